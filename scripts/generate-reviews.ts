/**
 * Writes samples/data/reviews.csv: film reviews made from templates, each labelled by the
 * opinions it states, where "not" turns an opinion round ("the plot was not dull" is
 * praise). A model that counts words (an embedding averaged over the text) cannot tell
 * "not dull" from "dull"; one that reads the words in order can. Seeded: the same file
 * every time: `npx esbuild scripts/generate-reviews.ts --bundle --platform=node | node`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../runtime/data/random';

const REVIEWS = 4000;
const rng = new Random(14);
const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)];

const subjects = ['film', 'story', 'acting', 'plot', 'cast', 'ending', 'score', 'dialogue', 'pacing', 'script', 'lead', 'direction'];
const praise = ['great', 'wonderful', 'brilliant', 'moving', 'superb', 'gripping', 'charming', 'clever', 'funny', 'beautiful'];
const blame = ['dull', 'awful', 'boring', 'clumsy', 'weak', 'tedious', 'flat', 'predictable', 'silly', 'messy'];
const asides = [
  'I saw it on a rainy Sunday', 'my friends came along', 'it runs for about two hours', 'the cinema was full',
  'we had popcorn', 'it is based on a novel', 'I went in knowing nothing', 'the trailer gave little away',
  'it opened last week', 'my sister chose it', 'the seats were comfortable', 'I watched it at home',
];

/** One opinion on a subject: its words and whether it praises (a "not" turns it round). */
function opinion(): { words: string; praises: boolean } {
  const good = rng.next() < 0.5;
  const adjective = pick(good ? praise : blame);
  const subject = pick(subjects);
  const negated = rng.next() < 0.4;
  const not = negated ? 'not ' : '';
  const forms = [
    `the ${subject} was ${not}${adjective}`,
    `I found the ${subject} ${not}${adjective}`,
    `the ${subject} is ${negated ? `not ${adjective} at all` : adjective}`,
    `honestly the ${subject} was ${not}${adjective}`,
  ];
  return { words: pick(forms), praises: good !== negated };
}

/** A review: an aside or two around one or three opinions (an odd number: there is a majority). */
function review(): { text: string; positive: boolean } {
  const opinions = Array.from({ length: rng.next() < 0.6 ? 1 : 3 }, opinion);
  const sentences = [...opinions.map((o) => o.words)];
  for (let i = rng.int(3); i > 0; i--) sentences.splice(rng.int(sentences.length + 1), 0, pick(asides));
  const text = sentences.map((s) => s[0].toUpperCase() + s.slice(1)).join(rng.next() < 0.5 ? '. ' : ', ') + pick(['.', '!', '.', '...']);
  return { text, positive: opinions.filter((o) => o.praises).length * 2 > opinions.length };
}

const rows = ['review,sentiment'];
for (let i = 0; i < REVIEWS; i++) {
  const r = review();
  rows.push(`"${r.text.replace(/"/g, '""')}",${r.positive ? 'positive' : 'negative'}`);
}
// Run from the repository's root.
writeFileSync(join(process.cwd(), 'samples', 'data', 'reviews.csv'), rows.join('\n') + '\n');
