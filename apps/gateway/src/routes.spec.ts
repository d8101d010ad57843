import 'reflect-metadata';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { CONTROLLERS } from './app.module';

describe('every endpoint declares who may call it', () => {
  it('has @Roles/@AnyRole or an explicit @Public on each handler', () => {
    const undeclared: string[] = [];
    const publicRoutes: string[] = [];
    for (const controller of CONTROLLERS) {
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
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
      }
    }
    expect(undeclared).toEqual([]);
    // The only doors open without signing in; adding one is a deliberate, reviewed change.
    expect(publicRoutes.sort()).toEqual(
      [
        'api/v1/auth/bootstrap',
        'api/v1/auth/bootstrap',
        'api/v1/auth/login',
        'api/v1/journal/public-key',
        'health/live',
        'health/ready',
        'metrics',
      ].sort(),
    );
  });
});
