import {
  Battery,
  BatteryLow,
  BatteryWarning,
  CircleHelp,
  DoorClosed,
  DoorOpen,
  Lock,
  LockOpen,
  ShieldAlert,
  ShieldCheck,
  Signal,
  SignalZero,
  TriangleAlert,
  Unplug,
  type LucideIcon,
} from 'lucide-react';
import type { BoardDoor } from '@gatehouse/api';

/**
 * The icon beside each word on a tile (state by colour AND word AND icon,
 * CONSOLE.md): drawn by lucide, hidden from screen readers (the word says it).
 */
export const Icon = ({ of: Of, className }: { of: LucideIcon; className?: string }) => (
  <Of className={`icon${className ? ` ${className}` : ''}`} aria-hidden="true" focusable="false" />
);

/** A door's phase as a shape: a shield for secure, an open door for a grant, a warning for held, an alarm for forced. */
export const phaseIcon = (d: BoardDoor, offline: boolean): LucideIcon => {
  if (offline) return Unplug;
  switch (d.phase) {
    case 'secure':
      return ShieldCheck;
    case 'unlocked':
    case 'closed-unlocked':
      return LockOpen;
    case 'open':
      return DoorOpen;
    case 'held-warning':
      return TriangleAlert;
    case 'held':
    case 'forced':
      return ShieldAlert;
    default:
      return CircleHelp;
  }
};

export const lockIcon = (locked: boolean): LucideIcon => (locked ? Lock : LockOpen);
export const contactIcon = (open: boolean | null): LucideIcon =>
  open === null ? CircleHelp : open ? DoorOpen : DoorClosed;
export const batteryIcon = (battery: number): LucideIcon =>
  battery <= 10 ? BatteryWarning : battery <= 25 ? BatteryLow : Battery;
export const signalIcon = (good: boolean): LucideIcon => (good ? Signal : SignalZero);
