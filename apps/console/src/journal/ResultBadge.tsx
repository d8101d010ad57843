import { CircleCheck, CircleX } from 'lucide-react';

/** Granted and denied by word, colour and icon (colour alone fails the colour-blind). */
export const ResultBadge = ({ result }: { result: string }) => {
  if (!result) return null;
  // The readable row words its result ("Granted"); a code is matched all the same.
  const granted = result.toLowerCase() === 'granted';
  const denied = result.toLowerCase() === 'denied';
  return (
    <span className={`jr-result${granted ? ' granted' : denied ? ' denied' : ''}`}>
      {granted && <CircleCheck aria-hidden="true" size={14} />}
      {denied && <CircleX aria-hidden="true" size={14} />}
      {result}
    </span>
  );
};
