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
