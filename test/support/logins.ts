import { fixtureText } from '../../libs/logins/src/fixtures';

/**
 * A Winlogbeat 4624 interactive logon (the real fixture) of `user` at `host`,
 * its record id and logon id made from `record` so each one is a new event
 * (the gateway drops a repeated record id as a duplicate).
 */
export const winlogbeatLogon = (user: string, host: string, record: number): Record<string, unknown> => {
  const doc = JSON.parse(fixtureText('winlogbeat/4624-interactive.json')) as {
    '@timestamp': string;
    host: { name: string };
    winlog: { computer_name: string; record_id: string; event_data: Record<string, string> };
    user: { name: string };
  };
  doc['@timestamp'] = new Date().toISOString();
  doc.host.name = host;
  doc.winlog.computer_name = host;
  doc.winlog.record_id = String(record);
  doc.winlog.event_data.TargetUserName = user;
  doc.winlog.event_data.TargetLogonId = `0x${record.toString(16)}`;
  doc.user.name = user;
  return doc;
};
