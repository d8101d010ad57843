import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import {
  AccessDecisions,
  AccessRecords,
  AccessService,
  CardholderImport,
  GuardActions,
} from '@gatehouse/access';
import { AlarmsService } from '@gatehouse/alarms';
import { ApiTokens, Operators, SignIn } from '@gatehouse/auth';
import { DoorsService } from '@gatehouse/doors';
import { ReadersService } from '@gatehouse/readers';
import { CLOCK, EVENT_BUS, GATEHOUSE_CONFIG } from '@gatehouse/contracts';
import { Journal, JournalReader } from '@gatehouse/journal';
import { ReadPool } from '@gatehouse/storage';
import { CardholdersController } from './api/access/cardholders.controller';
import { GuardController } from './api/access/guard.controller';
import { RECORD_CONTROLLERS } from './api/access/records.controller';
import { AlarmsController } from './api/alarms.controller';
import { AuthController } from './api/auth.controller';
import { CorrelationController } from './api/correlation.controller';
import { DoorsController } from './api/doors.controller';
import { EventsController } from './api/events.controller';
import { JournalController } from './api/journal.controller';
import { JournalSearchController } from './api/journal-search.controller';
import { OperatorsController, TokensController } from './api/operators.controller';
import { PasswordPolicyController } from './api/password-policy.controller';
import { PeopleController, PERSON_ERASURE } from './api/people.controller';
import { ReadersController } from './api/readers.controller';
import { SessionCookie } from './api/session-cookie';
import { SystemController } from './api/system.controller';
import type { Core } from './core';
import { HealthRegistry } from './health';
import { AuthGuard } from './http/auth.guard';
import { AllErrorsFilter } from './http/errors';
import { DIRECTORY_SYNC, DirectoryController } from './directory/directory.controller';
import { GatingController } from './gating/gating.controller';
import { GatingService } from './gating/gating-service';
import { LoginsController } from './logins/logins.controller';
import { LoginsGateway } from './logins/logins-gateway';
import { MappingController } from './logins/mapping.controller';
import { WorkstationsController } from './logins/workstations.controller';
import { SessionsController } from './logins/sessions.controller';
import { Metrics } from './metrics';
import { personErasure } from './person-erasure';

export interface AppExtras {
  notFoundPage?: ConstructorParameters<typeof AllErrorsFilter>[0];
}

export const CONTROLLERS = [
  AuthController,
  OperatorsController,
  TokensController,
  JournalController,
  JournalSearchController,
  EventsController,
  SystemController,
  ...RECORD_CONTROLLERS,
  CardholdersController,
  PeopleController,
  GuardController,
  DoorsController,
  AlarmsController,
  ReadersController,
  PasswordPolicyController,
  LoginsController,
  SessionsController,
  MappingController,
  WorkstationsController,
  DirectoryController,
  GatingController,
  CorrelationController,
];

/** The root module: binds the core's objects as providers; controllers stay thin. */
@Module({})
export class AppModule {
  static forCore(core: Core, extras: AppExtras = {}): DynamicModule {
    return {
      module: AppModule,
      controllers: CONTROLLERS,
      providers: [
        { provide: GATEHOUSE_CONFIG, useValue: core.config },
        { provide: CLOCK, useValue: core.clock },
        { provide: EVENT_BUS, useValue: core.bus },
        { provide: Journal, useValue: core.journal },
        { provide: JournalReader, useValue: core.reader },
        { provide: ReadPool, useValue: core.readPool },
        { provide: Operators, useValue: core.auth.operators },
        { provide: SignIn, useValue: core.auth.signIn },
        { provide: ApiTokens, useValue: core.auth.tokens },
        { provide: AccessService, useValue: core.access },
        { provide: AccessRecords, useValue: core.access.records },
        { provide: AccessDecisions, useValue: core.access.decisions },
        { provide: GuardActions, useValue: core.access.guard },
        { provide: CardholderImport, useValue: new CardholderImport(core.access) },
        { provide: PERSON_ERASURE, useValue: personErasure(core.keyring) },
        { provide: DoorsService, useValue: core.doors },
        { provide: AlarmsService, useValue: core.alarms },
        { provide: ReadersService, useValue: core.readers },
        { provide: LoginsGateway, useValue: core.logins },
        { provide: DIRECTORY_SYNC, useValue: { sync: core.directory } },
        { provide: GatingService, useValue: core.gating },
        { provide: SessionCookie, useValue: new SessionCookie(Boolean(core.config.http.tls.certFile)) },
        Metrics,
        HealthRegistry,
        AuthGuard,
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_FILTER, useValue: new AllErrorsFilter(extras.notFoundPage) },
      ],
    };
  }
}
