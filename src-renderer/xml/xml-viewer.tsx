// Read-only Monaco view of a response's XML: pretty-printed, foldable, signed elements marked in the gutter, and
// for an encrypted assertion a switch between the response as received and with its assertion decrypted.
// Loaded lazily: Monaco stays out of the first load.
import './monaco-setup.ts';
import Editor, { type OnMount } from '@monaco-editor/react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Check } from '../../src-main/contract/index.ts';
import { CopyButton } from '../components/common.tsx';
import { READ_ONLY_VIEWER, labTheme, monaco } from './monaco-setup.ts';
import { prettyXmlWithSignatures, type SignedRange } from './pretty-xml.ts';

type CodeEditor = Parameters<OnMount>[0];


function useDarkScheme(): boolean {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const onChange = (e: MediaQueryListEvent): void => setDark(e.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return dark;
}

export type SignatureState = 'verified' | 'failed' | 'unchecked';

/** What the checks say about the signature on this element. */
export function signatureState(range: SignedRange, checks: Check[]): SignatureState {
  const check = checks.find((c) => c.id === 'signature.valid');
  if (check === undefined) return 'unchecked';
  if (check.status === 'pass') return 'verified';
  const named = /<([^>]+)>/.exec(check.expected ?? '')?.[1];
  const local = (name: string): string => name.slice(name.indexOf(':') + 1);
  if (named !== undefined && (named === range.element || local(named) === local(range.element))) return 'failed';
  return 'unchecked';
}

const STATE_TEXT: Record<SignatureState, string> = {
  verified: 'signature verified',
  failed: 'signature did NOT verify',
  unchecked: 'signature not verified on its own',
};

export function XmlViewer({ xml, decryptedXml, checks }: { xml: string; decryptedXml: string | null; checks: Check[] }): ReactNode {
  const [view, setView] = useState<'received' | 'decrypted'>(decryptedXml !== null ? 'decrypted' : 'received');
  const source = view === 'decrypted' && decryptedXml !== null ? decryptedXml : xml;
  const pretty = useMemo(() => prettyXmlWithSignatures(source), [source]);
  const dark = useDarkScheme();
  const editorRef = useRef<CodeEditor | null>(null);
  const decorations = useRef<string[]>([]);

  const decorate = useCallback((editor: CodeEditor): void => {
    decorations.current = editor.deltaDecorations(
      decorations.current,
      pretty.signed.flatMap((range) => {
        const state = signatureState(range, checks);
        const hover = { value: `**Signed** \`${range.element}\` (ID \`${range.id}\`): ${STATE_TEXT[state]}` };
        return [
          {
            range: new monaco.Range(range.startLine, 1, range.endLine, 1),
            options: { isWholeLine: true, linesDecorationsClassName: `signed-gutter signed-${state}`, linesDecorationsTooltip: hover.value },
          },
          {
            range: new monaco.Range(range.startLine, 1, range.startLine, 1),
            options: { isWholeLine: true, afterContentClassName: `signed-label signed-label-${state}`, hoverMessage: hover },
          },
        ];
      }),
    );
  }, [pretty, checks]);

  useEffect(() => {
    // Re-mark when the text (view) or the checks change; decorate reads both.
    if (editorRef.current !== null) decorate(editorRef.current);
  }, [decorate]);

  const reveal = (line: number): void => {
    const editor = editorRef.current;
    if (editor === null) return;
    editor.revealLineNearTop(line);
    editor.setPosition({ lineNumber: line, column: 1 });
    editor.focus();
  };

  return (
    <div className="xml-viewer" data-testid="xml-viewer" data-view={view}>
      <div className="xml-toolbar">
        {decryptedXml !== null ? (
          <div className="segmented" role="group" aria-label="Which XML">
            <button type="button" aria-pressed={view === 'received'} className={view === 'received' ? 'active' : ''} onClick={() => setView('received')} data-testid="xml-view-received">
              As received
            </button>
            <button type="button" aria-pressed={view === 'decrypted'} className={view === 'decrypted' ? 'active' : ''} onClick={() => setView('decrypted')} data-testid="xml-view-decrypted">
              Decrypted
            </button>
          </div>
        ) : (
          <span className="muted small">As received</span>
        )}
        <span className="muted small xml-note">
          Pretty-printed for reading; the signature covers the original bytes.
          {view === 'decrypted' && ' The EncryptedAssertion is shown decrypted with the SP key.'}
        </span>
        <CopyButton value={source} label={view === 'decrypted' ? 'decrypted XML' : 'original XML'} testId="copy-xml" />
      </div>
      <div className="signed-legend" data-testid="signed-legend">
        {pretty.signed.length === 0 ? (
          <span className="small warn-text">No element in this {view === 'decrypted' ? 'decrypted ' : ''}document is signed.</span>
        ) : (
          <ul>
            {pretty.signed.map((range) => {
              const state = signatureState(range, checks);
              return (
                <li key={`${range.id}-${range.startLine}`} data-testid="signed-element" data-element={range.element} data-state={state}>
                  <span className={`signed-swatch signed-${state}`} aria-hidden="true" />
                  <button type="button" className="linklike mono small" onClick={() => reveal(range.startLine)}>
                    {range.element}
                  </button>{' '}
                  <span className="small muted">
                    lines {range.startLine}–{range.endLine}
                  </span>{' '}
                  <span className={`small signed-text-${state}`}>{STATE_TEXT[state]}</span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <div className="xml-editor">
        <Editor
          value={pretty.text}
          language="xml"
          theme={labTheme(dark)}
          loading={<p className="muted">Loading editor…</p>}
          onMount={(editor) => {
            editorRef.current = editor;
            decorate(editor);
          }}
          options={{
            ...READ_ONLY_VIEWER,
            showFoldingControls: 'always',
            lineDecorationsWidth: 14,
            renderWhitespace: 'none',
            ariaLabel: view === 'decrypted' ? 'Decrypted SAML response XML' : 'SAML response XML as received',
          }}
        />
      </div>
    </div>
  );
}
