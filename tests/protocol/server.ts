import { afterAll, beforeAll } from 'vitest';
import { TestClient } from './client';

/** One server for a test file: started before its tests, shut down after them. */
export function serverForTests(rootPath?: string): () => TestClient {
  let client: TestClient | undefined;
  beforeAll(async () => {
    client = new TestClient();
    await client.initialize(rootPath);
  });
  afterAll(() => client?.dispose());
  return () => client!;
}
