/** Neovim's built-in LSP client with the README's snippet for Neovim 0.7 to 0.10. */
import { describe, expect, it } from 'vitest';
import { definitionAt, editorsRequired, expectServerAnswers, hoverAt, installed, readmeSnippet, runEditor } from './editor';

const available = installed('nvim');
if (!available && editorsRequired) throw new Error('DLNET_REQUIRE_EDITORS is set but nvim is not installed');

const lua = (p: { line: number; character: number }) => `{ line = ${p.line}, character = ${p.character} }`;

/** After the snippet: waits for the diagnostics, asks for a hover and a definition, writes them, quits (with an error status on any failure). */
const drive = `
local function at(p) return { textDocument = { uri = vim.uri_from_bufnr(0) }, position = p } end
local function first(responses) for _, r in pairs(responses or {}) do if r.result then return r.result end end end
local ok, err = pcall(function()
  vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  local out = { diagnostics = {} }
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(out.diagnostics, { line = d.lnum, message = d.message }) end
  out.hover = first(vim.lsp.buf_request_sync(0, 'textDocument/hover', at(${lua(hoverAt)}), 10000)).contents.value
  local def = first(vim.lsp.buf_request_sync(0, 'textDocument/definition', at(${lua(definitionAt)}), 10000))
  local loc = def[1] or def
  out.definition = (loc.range or loc.targetSelectionRange).start.line
  local f = io.open('out.json', 'w'); f:write(vim.fn.json_encode(out)); f:close()
end)
if not ok then io.stderr:write(tostring(err) .. '\\n'); vim.cmd('cquit 1') end
vim.cmd('qa!')
`;

describe.skipIf(!available)('Neovim', () => {
  it('shows the server\'s diagnostics, hovers and definitions with the README\'s snippet', () => {
    const result = runEditor('nvim', ['--headless', '-u', 'init.lua', '-c', 'luafile drive.lua', 'net.dlnet'], {
      'init.lua': readmeSnippet('Neovim 0.7 to 0.10', 'lua'),
      'drive.lua': drive,
    });
    expectServerAnswers(result);
  }, 90_000);
});
