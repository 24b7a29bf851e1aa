// Monaco JSON editor with a JSON Schema (validation and completion) for the rules model. Lazily loaded.
import { labTheme } from '../xml/monaco-setup.ts';
import 'monaco-editor/languages/features/json/register';
import Editor from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import { useEffect, type ReactNode } from 'react';

window.MonacoEnvironment = { getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()) };

const MODEL_URI = 'inmemory://saml-jit-lab/rules.json';

export function JsonEditor({ value, onChange, schema }: { value: string; onChange: (text: string) => void; schema: unknown }): ReactNode {
  useEffect(() => {
    jsonDefaults.setDiagnosticsOptions({
      validate: true,
      allowComments: false,
      enableSchemaRequest: false,
      schemas: [{ uri: 'inmemory://saml-jit-lab/rules.schema.json', fileMatch: [MODEL_URI], schema: schema as object }],
    });
  }, [schema]);
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return (
    <div className="xml-editor" data-testid="rules-json-editor">
      <Editor
        path={MODEL_URI}
        value={value}
        language="json"
        theme={labTheme(dark)}
        onChange={(text) => onChange(text ?? '')}
        loading={<p className="muted">Loading editor…</p>}
        options={{ minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 13, automaticLayout: true, tabSize: 2, formatOnPaste: true }}
      />
    </div>
  );
}
