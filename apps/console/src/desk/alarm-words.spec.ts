import type { AlarmView } from '@gatehouse/api';
import { alarmPriority, alarmState, alarmTitle, alarmWhere, alarmWho } from './alarm-words';

const names = {
  door: (id: string | null) => (id === 'front' ? 'Front door' : id),
  reader: (id: string | null) => (id === 'front-in' ? 'Front door entry reader' : null),
  person: (id: string | null) => (id === 'p1' ? 'Ann Frost' : null),
  zones: [{ id: 'fin', name: 'Finance' }] as never,
};
const alarm = (over: Partial<AlarmView>): AlarmView =>
  ({
    type: 'forced-open',
    doorId: null,
    readerId: null,
    cardholderId: null,
    workstationZone: null,
    priority: 'high',
    escalations: 0,
    state: 'new',
    active: true,
    ...over,
  }) as AlarmView;

describe('an alarm in words', () => {
  it('says where a login alarm happened as its workstation and zone, and the person as who', () => {
    const login = alarm({
      type: 'login-without-badge-in',
      cardholderId: 'p1',
      doorId: 'front', // the door the evidence began at: the session is where the guard acts
      workstation: { host: 'WS-12', sessionId: null },
      workstationZone: 'fin',
    });
    expect(alarmWhere(login, names)).toBe('workstation WS-12 in Finance');
    expect(alarmWho(login, names)).toBe('Ann Frost');
    expect(alarmTitle(login, names)).toBe(
      'Login without badge in at workstation WS-12 in Finance: Ann Frost',
    );
    // A person alone (a lost card used nowhere the records know) is who, never where.
    const person = alarm({ type: 'lost-credential-used', cardholderId: 'p1' });
    expect(alarmWhere(person, names)).toBe('');
    expect(alarmTitle(person, names)).not.toContain(' at Ann Frost');
  });

  it('says a door by name, a reader by its door and direction, a workstation the site has not placed alone', () => {
    expect(alarmWhere(alarm({ doorId: 'front' }), names)).toBe('Front door');
    expect(alarmWhere(alarm({ readerId: 'front-in' }), names)).toBe('Front door entry reader');
    expect(alarmWhere(alarm({ workstation: { host: 'ws-9', sessionId: 's' } }), names)).toBe(
      'workstation ws-9',
    );
  });

  it('says the priority now with its escalations, and the state with a cause that ended, in one place', () => {
    expect(alarmPriority(alarm({ priority: 'critical', escalations: 1 }))).toBe('Critical ↑1');
    expect(alarmPriority(alarm({ priority: 'high' }))).toBe('High');
    expect(alarmState(alarm({ state: 'acknowledged' }))).toBe('Acknowledged');
    expect(alarmState(alarm({ active: false }))).toBe('New (cause ended)');
  });
});
