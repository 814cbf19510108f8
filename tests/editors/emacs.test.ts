/** Emacs with eglot (Debian's Emacs 28 and elpa-eglot 1.9) and the README's snippet. */
import { describe, it } from 'vitest';
import { definitionAt, editorsRequired, expectServerAnswers, hoverAt, installed, readmeSnippet, runEditor } from './editor';

const available = installed('emacs');
if (!available && editorsRequired) throw new Error('DLNET_REQUIRE_EDITORS is set but emacs is not installed');

const elisp = (p: { line: number; character: number }) => `${p.line} ${p.character}`;

/**
 * After the snippet: connects as `eglot-ensure` does after the first command, waits for
 * flymake to show the diagnostics, asks the server for a hover and a definition through
 * eglot's connection, writes them, quits.
 */
const drive = `
(require 'package)
(package-initialize)
(load (expand-file-name "config.el"))
(require 'eglot)
(require 'json)
(find-file "net.dlnet")
(eglot-ensure)
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 20)))
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (flymake-start)
    (accept-process-output nil 0.1)))
(defun dlnet-test-at (line character)
  (goto-char (point-min)) (forward-line line) (forward-char character)
  (eglot--TextDocumentPositionParams))
(let* ((server (eglot-current-server))
       (diagnostics (mapcar (lambda (d) \`((line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
                                          (message . ,(flymake-diagnostic-text d))))
                            (flymake-diagnostics)))
       (hover (jsonrpc-request server :textDocument/hover (dlnet-test-at ${elisp(hoverAt)})))
       (found (jsonrpc-request server :textDocument/definition (dlnet-test-at ${elisp(definitionAt)})))
       (location (if (vectorp found) (aref found 0) found))
       (range (or (plist-get location :range) (plist-get location :targetSelectionRange))))
  (with-temp-file "out.json"
    (insert (json-encode \`((diagnostics . ,(vconcat diagnostics))
                           (hover . ,(plist-get (plist-get hover :contents) :value))
                           (definition . ,(plist-get (plist-get range :start) :line)))))))
(kill-emacs 0)
`;

describe.skipIf(!available)('Emacs', () => {
  it('shows the server\'s diagnostics, hovers and definitions with the README\'s snippet', () => {
    const result = runEditor('emacs', ['--batch', '-l', 'drive.el'], {
      'config.el': readmeSnippet('Emacs with eglot', 'elisp'),
      'drive.el': drive,
    });
    expectServerAnswers(result);
  }, 90_000);
});
