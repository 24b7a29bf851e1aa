// Read-only Monaco preview of an exported file (JSON, XML, ini, Ruby, PHP, JavaScript), with copy and save
// buttons. Loaded lazily with the Export screen's previews; only the tokenizers it needs are registered.
import { READ_ONLY_VIEWER, labTheme } from '../xml/monaco-setup.ts';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/ruby/register';
import 'monaco-editor/languages/definitions/php/register';
import 'monaco-editor/languages/definitions/javascript/register';
import Editor from '@monaco-editor/react';
import type { ReactNode } from 'react';
import type { ExportFile } from '../../src-main/contract/index.ts';
import { CopyButton } from '../components/common.tsx';
import { saveFile } from './save-file.ts';

// JSON is shown with the JavaScript tokenizer: a read-only preview needs colours, not the JSON worker.
const MONACO_LANGUAGE: Record<string, string> = { json: 'javascript', javascript: 'javascript', xml: 'xml', ini: 'ini', ruby: 'ruby', php: 'php' };

export function CodePreview({ file, testId }: { file: ExportFile; testId: string }): ReactNode {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const lines = file.content.split('\n').length;
  return (
    <div className="export-file" data-testid={testId} data-file-name={file.fileName}>
      <div className="xml-toolbar">
        <span className="mono small" data-testid={`${testId}-name`}>
          {file.fileName}
        </span>
        {file.containsSecrets && (
          <strong className="warn-text small" data-testid={`${testId}-secret`}>
            Holds the SP PRIVATE KEY
          </strong>
        )}
        <CopyButton value={file.content} label={file.fileName} testId={`${testId}-copy`} />
        <button type="button" onClick={() => saveFile(file)} data-testid={`${testId}-save`}>
          Save…
        </button>
      </div>
      <div className="xml-editor" style={{ height: `${Math.min(28, Math.max(6, lines + 1)) * 19}px` }}>
        <Editor
          value={file.content}
          language={MONACO_LANGUAGE[file.language] ?? 'plaintext'}
          theme={labTheme(dark)}
          loading={<p className="muted">Loading editor…</p>}
          options={{
            ...READ_ONLY_VIEWER,
            ariaLabel: `Preview of ${file.fileName}`,
          }}
        />
      </div>
      <textarea hidden readOnly value={file.content} data-testid={`${testId}-content`} />
    </div>
  );
}
