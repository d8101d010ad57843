import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Items, WorkstationToPlace } from '@gatehouse/api';
import { api, describeError } from '../api';
import type { Zone } from '../access-api';
import { ErrorAlert } from '../Feedback';
import './sessions.css';

/** What the panel asks the gateway to do: a zone, the remote class, or both. */
export interface Placing {
  zone: string | null;
  remote: boolean;
}

/**
 * Places a workstation that sent logins in a zone of the site plan, by the
 * zone's name, or marks it remote (a jump host, a VPN gateway: nobody is
 * expected to be at it). Holds over the site's configuration for that host.
 */
export const PlaceWorkstation = ({
  workstation,
  onPlace,
  onCancel,
}: {
  workstation: WorkstationToPlace;
  onPlace: (placing: Placing, words: string) => void;
  onCancel: () => void;
}) => {
  const titleId = useId();
  const [zones, setZones] = useState<Zone[] | null>(null);
  const [zone, setZone] = useState('');
  const [remote, setRemote] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api
      .get<Items<Zone>>('/api/v1/access/zones')
      // Beyond every zone is no place for a workstation.
      .then((z) => !cancelled && setZones(z.items.filter((x) => x.id !== 'outside')))
      .catch((e: unknown) => !cancelled && setError(describeError(e)));
    return () => {
      cancelled = true;
    };
  }, []);

  const zoneName = zones?.find((z) => z.id === zone)?.name ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!zone && !remote) return setError('Choose its zone, or mark it remote.');
    const words = [zoneName ? `in ${zoneName}` : null, remote ? 'remote' : null].filter(Boolean).join(', ');
    onPlace({ zone: zone || null, remote }, words);
  };
  return (
    <form className="panel detail-panel map-account" aria-labelledby={titleId} onSubmit={submit}>
      <h3 id={titleId}>
        Place <code>{workstation.host}</code>
      </h3>
      <label>
        Zone
        <select value={zone} onChange={(e) => setZone(e.target.value)} autoFocus>
          <option value="">{zones === null ? 'Reading the zones…' : 'No zone'}</option>
          {zones?.map((z) => (
            <option key={z.id} value={z.id}>
              {z.name}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={remote} onChange={(e) => setRemote(e.target.checked)} />
        Remote: a jump host or VPN gateway (nobody is expected to be at it)
      </label>
      <ErrorAlert error={error} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={!zone && !remote}>
          Place it
        </button>
      </div>
    </form>
  );
};
