import type { SitePlan } from '@gatehouse/access';
import type { Client } from './client';

/**
 * Creates a site plan (libs/testing's factories write them) through the API as
 * the given client, in the order references need, stopping at the first
 * refusal; returns each person's id and credential ids in plan order.
 */
export const createSite = async (client: Client, plan: SitePlan) => {
  const create = async (path: string, body: unknown) => {
    const reply = await client.post<{ id: string }>(`/api/v1/access/${path}`, body);
    if (reply.status !== 201) throw new Error(`creating ${path} failed: HTTP ${reply.status} ${reply.text}`);
    return reply.body.id;
  };
  for (const zone of plan.zones ?? []) await create('zones', zone);
  for (const schedule of plan.schedules ?? []) await create('schedules', schedule);
  for (const holiday of plan.holidays ?? []) await create('holidays', holiday);
  for (const door of plan.doors ?? []) await create('doors', door);
  for (const level of plan.levels ?? []) await create('levels', level);
  for (const group of plan.groups ?? []) await create('groups', group);
  const people: { id: string; credentialIds: string[] }[] = [];
  for (const person of plan.people ?? []) {
    const id = await create('cardholders', person.cardholder);
    const credentialIds: string[] = [];
    for (const card of person.credentials ?? [])
      credentialIds.push(await create('credentials', { ...card, cardholderId: id }));
    people.push({ id, credentialIds });
  }
  return people;
};
