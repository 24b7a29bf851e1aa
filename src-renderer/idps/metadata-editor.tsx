// Editable Monaco XML editor for pasting IdP metadata. Lazily loaded with the rest of Monaco.
import '../xml/monaco-setup.ts';
// The lab-light / lab-dark themes (AA-contrast XML tokens) are defined by the XML viewer module.
import '../xml/xml-viewer.tsx';
import Editor from '@monaco-editor/react';
import type { ReactNode } from 'react';

export function MetadataEditor({ value, onChange, label }: { value: string; onChange: (text: string) => void; label: string }): ReactNode {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return (
    <div className="xml-editor idp-xml-editor" data-testid="idp-import-editor">
      <Editor
        path="inmemory://saml-jit-lab/idp-metadata.xml"
        value={value}
        language="xml"
        theme={dark ? 'lab-dark' : 'lab-light'}
        onChange={(text) => onChange(text ?? '')}
        loading={<p className="muted">Loading editor…</p>}
        options={{
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          wordWrap: 'on',
          fontSize: 13,
          automaticLayout: true,
          // Tab moves focus out of the editor (nobody types metadata by hand); Ctrl+M toggles it.
          tabFocusMode: true,
          ariaLabel: label,
        }}
      />
    </div>
  );
}
