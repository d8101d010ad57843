import { createContext, useContext } from 'react';
import type { Action, Permissions } from '@gatehouse/api';

/**
 * What the signed-in operator may do: the server's own matrix
 * (GET /api/v1/auth/permissions, the table the API enforces), read once per
 * sign-in. The console offers an action only when this says yes.
 */
export const PermissionsContext = createContext<Permissions | null>(null);

export const useCan = () => {
  const permissions = useContext(PermissionsContext);
  return (action: Action): boolean => permissions?.actions.includes(action) ?? false;
};

/**
 * Whether the operator's role sees a cardholder field (the same matrix's
 * field half): a column the server blanks for this role is not shown empty,
 * as if the person had no employee number, but left out.
 */
export const useSees = () => {
  const permissions = useContext(PermissionsContext);
  return (field: Permissions['fields'][number]): boolean => permissions?.fields.includes(field) ?? false;
};
