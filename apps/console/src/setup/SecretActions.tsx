import { useState } from 'react';
import { ErrorNote, SuccessNote, type Success } from '../components/Notes';
import './setup.css';

/**
 * Copy and download for a secret shown once (recovery codes, a new API token):
 * typing 40 characters off a screen is where mistakes are made (issue 11, item 10).
 * The download is made in the browser; the secret never goes back to the server.
 */
export const SecretActions = ({ text, fileName, what }: { text: string; fileName: string; what: string }) => {
  const [copied, setCopied] = useState<Success | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const copy = () => {
    setProblem(null);
    // The clipboard needs a secure context (HTTPS or localhost); where it is missing, say so.
    if (!navigator.clipboard) {
      setProblem('This browser cannot copy here: select the text and copy it, or download it.');
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => setCopied((c) => ({ text: `${what} copied.`, n: (c?.n ?? 0) + 1 })),
      () => setProblem('Copying was refused by the browser: select the text and copy it, or download it.'),
    );
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="secret-actions">
      <button type="button" className="secondary" onClick={copy}>
        Copy {what.toLowerCase()}
      </button>
      <button type="button" className="secondary" onClick={download}>
        Download {what.toLowerCase()}
      </button>
      <SuccessNote success={copied} />
      <ErrorNote error={problem} onDismiss={() => setProblem(null)} />
    </div>
  );
};
