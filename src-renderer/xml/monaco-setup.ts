// Monaco from the local package, never a CDN: only the editor API, the few editor features a read-only viewer
// needs, the XML tokenizer and the plain editor worker (see notes/stack.md on worker sizes).
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/languages/definitions/xml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { loader } from '@monaco-editor/react';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = { getWorker: () => new EditorWorker() };
loader.config({ monaco });

// Monaco's stock themes colour XML attribute names #ff0000 on white (3.99:1): below WCAG AA for 13 px text.
// These keep the stock look with AA-contrast token colours (XML, JSON and code
// previews alike); every Monaco in the app should use labTheme(). Monaco's theme is global: the last editor wins.
monaco.editor.defineTheme('lab-light', {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'attribute.name', foreground: 'b00000' },
    { token: 'attribute.value', foreground: '0b4fb0' },
    { token: 'comment', foreground: '3f6f3f' },
    // The stock grey (#808080, 3.9:1 on white) of the XML declaration and of annotations.
    { token: 'metatag.xml', foreground: '5c5c5c' },
    { token: 'metatag.html', foreground: '5c5c5c' },
    { token: 'annotation', foreground: '5c5c5c' },
  ],
  colors: {},
});
monaco.editor.defineTheme('lab-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'attribute.name', foreground: '9cdcfe' },
    { token: 'attribute.value', foreground: 'ce9178' },
    { token: 'comment', foreground: '7fb26a' },
    { token: 'comment.js', foreground: '7fb26a' },
    { token: 'delimiter', foreground: 'a0a0a0' },
    // vs-dark's XML and HTML delimiters are #808080 (4.2:1 on #1e1e1e): more specific than 'delimiter', so set too.
    { token: 'delimiter.xml', foreground: 'a0a0a0' },
    { token: 'delimiter.html', foreground: 'a0a0a0' },
  ],
  colors: {},
});

export function labTheme(dark: boolean): string {
  return dark ? 'lab-dark' : 'lab-light';
}

/** The options every read-only viewer (response XML, export previews) shares. */
export const READ_ONLY_VIEWER = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  wordWrap: 'on',
  scrollBeyondLastLine: false,
  folding: true,
  fontSize: 13,
  automaticLayout: true,
} as const;

export { monaco };
