// Read-only Monaco view of a response's XML. Loaded lazily: Monaco stays out of the first load.
import './monaco-setup.ts';
import Editor from '@monaco-editor/react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { CopyButton } from '../components/common.tsx';
import { prettyXml } from './pretty-xml.ts';

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

export function XmlViewer({ xml }: { xml: string }): ReactNode {
  const pretty = useMemo(() => prettyXml(xml), [xml]);
  const dark = useDarkScheme();
  return (
    <div className="xml-viewer" data-testid="xml-viewer">
      <div className="xml-toolbar">
        <span className="muted small">Pretty-printed for reading. The signature covers the original bytes, not this layout.</span>
        <CopyButton value={xml} label="original XML" testId="copy-xml" />
      </div>
      <div className="xml-editor">
        <Editor
          value={pretty}
          language="xml"
          theme={dark ? 'vs-dark' : 'vs'}
          loading={<p className="muted">Loading editor…</p>}
          options={{
            readOnly: true,
            domReadOnly: true,
            minimap: { enabled: false },
            wordWrap: 'on',
            scrollBeyondLastLine: false,
            folding: true,
            renderWhitespace: 'none',
            fontSize: 13,
            automaticLayout: true,
          }}
        />
      </div>
    </div>
  );
}
