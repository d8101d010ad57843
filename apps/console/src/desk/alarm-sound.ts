import { useEffect } from 'react';
import type { Alarm } from '@gatehouse/api';

/** How often the alarm sound repeats while an urgent alarm waits for acknowledgement. */
const REPEAT_MS = 4000;

/** A short two-tone beep from WebAudio: no sound file to serve, works offline. */
const beep = (ctx: AudioContext) => {
  [880, 660].forEach((f, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = f;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + i * 0.18);
    osc.stop(ctx.currentTime + i * 0.18 + 0.15);
  });
};

/** Alarms that sound: new (not yet acknowledged), not silent, and above medium (informational and low never sound). */
export const sounding = (alarms: Alarm[]) =>
  alarms.filter(
    (a) => a.state === 'new' && !a.silent && (a.priority === 'critical' || a.priority === 'high'),
  );

/** Beeps now and every few seconds while any alarm sounds and the operator has not muted the desk. */
export const useAlarmSound = (alarms: Alarm[], muted: boolean) => {
  const due = !muted && sounding(alarms).length > 0;
  useEffect(() => {
    if (!due) return;
    let ctx: AudioContext | null = null;
    const play = () => {
      try {
        ctx ??= new AudioContext();
        beep(ctx);
      } catch {
        /* no audio device: the queue and the page title still say it */
      }
    };
    play();
    const t = setInterval(play, REPEAT_MS);
    return () => {
      clearInterval(t);
      void ctx?.close().catch(() => undefined);
    };
  }, [due]);
};
