/** Door phases in words (state by word as well as colour, CONSOLE.md). */
export const PHASE_LABEL: Record<string, string> = {
  secure: 'Secure',
  unlocked: 'Unlocked (grant)',
  open: 'Open',
  'held-warning': 'Held open: warning',
  held: 'HELD OPEN',
  forced: 'FORCED',
  'closed-unlocked': 'Closed, unlocked',
  unknown: 'No contact data',
};

export const age = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
};

/** A short two-tone chime from WebAudio: no sound file to serve, works offline. */
export const chime = () => {
  try {
    const ctx = new AudioContext();
    [880, 660].forEach((f, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
  } catch {
    /* no audio device */
  }
};
