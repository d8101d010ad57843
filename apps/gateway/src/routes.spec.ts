import 'reflect-metadata';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ACTIONS, type Action, rolesFor } from '@gatehouse/auth';
import { CONTROLLERS } from './app.module';

describe('every endpoint declares who may call it', () => {
  it('has @Allow(action of the permission matrix) or an explicit @Public on each handler', () => {
    const undeclared: string[] = [];
    const outsideMatrix: string[] = [];
    const publicRoutes: string[] = [];
    for (const controller of CONTROLLERS) {
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        // The descriptor's value, not the property: reading a getter on the prototype would run it
        // without an instance (a controller's lazily built lookup did, and threw).
        const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
        if (
          name === 'constructor' ||
          typeof handler !== 'function' ||
          Reflect.getMetadata(METHOD_METADATA, handler) === undefined
        )
          continue;
        const route = `${base}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`
          .replace(/^\/+/, '')
          .replace(/\/+$/, '');
        if (Reflect.getMetadata('gatehouse:public', handler) === true) publicRoutes.push(route);
        else if (!Array.isArray(Reflect.getMetadata('gatehouse:roles', handler))) undeclared.push(route);
        else {
          // The roles must be the matrix's (docs/permissions.md), not a list written beside it.
          const action = Reflect.getMetadata('gatehouse:action', handler) as Action | undefined;
          const roles = Reflect.getMetadata('gatehouse:roles', handler) as unknown;
          if (!action || !(action in ACTIONS) || roles !== rolesFor(action)) outsideMatrix.push(route);
        }
      }
    }
    expect(undeclared).toEqual([]);
    expect(outsideMatrix).toEqual([]);
    // The only doors open without signing in; adding one is a deliberate, reviewed change.
    expect(publicRoutes.sort()).toEqual(
      [
        'api/v1/auth/bootstrap',
        'api/v1/auth/bootstrap',
        'api/v1/auth/login',
        'api/v1/auth/password-policy',
        'api/v1/journal/public-key',
        'health/live',
        'health/ready',
        'metrics',
      ].sort(),
    );
  });
});
