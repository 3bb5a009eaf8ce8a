import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { defaultEventTimeWindow, type EventTimeWindow } from '@strata/core';
import { ensureChurnRiskFieldRegistered, ensureHealthFieldsRegistered, type SecretBox, type SegmentEngine } from '@strata/engine';
import type { Database, DatabaseHealth } from '@strata/storage';
import { AppError } from './http/app-error.js';
import { KeyResolver } from './http/authenticate.js';
import { installErrorHandler } from './http/error-handler.js';
import { managementCors } from './http/management-cors.js';
import { defaultIngestRateLimit, IngestRateLimiter, type IngestRateLimit } from './http/ingest-rate-limit.js';
import { installRequestIdHeader, requestIdOf } from './http/request-id.js';
import { apiDocsContentSecurityPolicy, installSecurityHeaders } from './http/security-headers.js';
import { installStorableInputChecks, renderFrameworkError } from './http/storable-input.js';
import { identifyCaller, managementAuth } from './http/management-auth.js';
import { defaultSessionPolicy, type SessionPolicy } from './http/session-cookie.js';
import { documentObject, documentRoute } from './http/openapi-document.js';
import { registerWebUi } from './http/web-ui.js';
import { registerIngestionRoutes, registerIngestionSettingsRoutes } from './routes/ingestion/index.js';
import { registerInAppRoutes, registerInAppSettingsRoutes } from './routes/in-app/index.js';
import { registerKeyRoutes } from './routes/keys/index.js';
import { registerChurnRoutes } from './routes/churn/index.js';
import {
  registerHelpDeskSyncRoutes,
  registerHelpDeskWebhookRoutes,
  registerIntegrationRoutes,
  registerWebhookRoutes,
} from './routes/integrations/index.js';
import { registerCustomerRoutes, registerProfileRoutes } from './routes/profiles/index.js';
import {
  registerSegmentActivityRoutes,
  registerSegmentExportRoutes,
  registerManualMemberRoutes,
  registerSegmentMemberRoutes,
  registerSegmentRoutes,
  registerSegmentRuleRoutes,
} from './routes/segments/index.js';
import {
  registerCannedResponseRoutes,
  registerSurveyPages,
  registerSurveyRoutes,
  registerTextModelRoutes,
  registerTicketDecisionRoutes,
  registerTicketRoutes,
} from './routes/support/index.js';
import { registerEntitlementRoutes, registerSlaPolicyRoutes, registerSupportPolicyRoutes } from './routes/support-policies/index.js';
import {
  registerAccountHealthRoutes,
  registerHealthModelRoutes,
  registerPersonHealthRoutes,
  registerQuadrantRoutes,
} from './routes/health/index.js';
import {
  registerEmailSettingsRoutes,
  registerRenderEmailRoute,
  registerSuppressionRoutes,
  registerUnsubscribePages,
} from './routes/email/index.js';
import { registerCsmTaskRoutes, registerPlaybookRoutes, registerPlaybookRunRoutes } from './routes/playbooks/index.js';
import { registerPlaybookExperimentRoutes, registerPredefinedPlaybookRoutes } from './routes/playbooks/index.js';
import { registerAgentRoutes, registerQueueRoutes, registerTicketAssignmentRoutes, registerTriageRoutes } from './routes/routing/index.js';
import { registerLifecycleRoutes } from './routes/lifecycle/index.js';
import {
  registerAnalyticsSettingsRoutes,
  registerCompareRoutes,
  registerOverlapWarningRoutes,
  registerSegmentMetricsRoutes,
  registerSnapshotRoutes,
} from './routes/analytics/index.js';
import { defaultMetricsAllow, registerMetricsRoute, registerSystemRoutes, type MetricsAccess } from './routes/system/index.js';
import { registerMembershipWebhookRoutes } from './routes/webhooks/index.js';
import { registerAuthRoutes, registerUserRoutes } from './routes/users/index.js';
import { registerAuditRoutes } from './routes/audit/index.js';
import { registerSuggestionRoutes } from './routes/analytics/index.js';
import { registerWorkspaceRoutes } from './routes/workspaces/index.js';
import { registerPeoplePrivacyRoutes, registerRetentionRoutes } from './routes/privacy/index.js';

/** What the app needs once the database is up; until then requests answer 503. */
export interface AppServices {
  db: Kysely<Database>;
  /** The live segment engine of this process, for its telemetry. */
  engine?: SegmentEngine;
  /** Encrypts integration secrets and signs survey links; absent when no key is configured. */
  secrets?: SecretBox;
  /** Whether the database answers now; `/healthz` reports it. */
  checkDatabase?: () => Promise<DatabaseHealth>;
}

export interface BuildAppOptions {
  logger: Logger;
  now?: () => Date;
  /** STRATA_PUBLIC_URL: the base of webhook URLs and survey links; else the address the server listens on. */
  publicUrl?: string;
  /** Event times ingestion accepts (STRATA_MAX_EVENT_AGE_DAYS, STRATA_MAX_EVENT_FUTURE_DAYS). */
  eventTimeWindow?: EventTimeWindow;
  /** Ingestion requests per write key (STRATA_INGEST_RATE_PER_SECOND, STRATA_INGEST_BURST); generous by default. */
  ingestRateLimit?: IngestRateLimit;
  /** Origins allowed to call `/api/v1` from a browser (STRATA_CORS_ORIGINS); none by default, so no CORS. */
  corsOrigins?: readonly string[];
  /** Who may read `/metrics` (STRATA_METRICS_TOKEN, STRATA_METRICS_ALLOW); loopback only by default. */
  metricsAccess?: MetricsAccess;
  /** Session timeouts (STRATA_SESSION_IDLE_MINUTES, STRATA_SESSION_ABSOLUTE_HOURS). */
  sessions?: SessionPolicy;
  /** The built web UI's folder; packages/web/dist by default. */
  webRoot?: string;
  /** STRATA_ALLOW_PRIVATE_WEBHOOKS: a configured SMTP server may be on loopback or a private network; false by default. */
  allowPrivateWebhooks?: boolean;
}

/** The HTTP app with a readiness switch: `setServices` makes it serve, `/healthz` tells which. */
export interface StrataApp {
  app: FastifyInstance;
  setServices(services: AppServices): void;
}

/** Builds the Fastify app: ingestion under `/v1`, management under `/api/v1`, docs at `/api/docs`. */
export async function buildApp(options: BuildAppOptions): Promise<StrataApp> {
  ensureHealthFieldsRegistered();
  // Rules the API checks and runs may read churn_risk.
  ensureChurnRiskFieldRegistered();
  const now = options.now ?? (() => new Date());
  let services: AppServices | undefined;
  let keys: KeyResolver | undefined;
  const db = () => {
    if (!services) throw new AppError('NOT_READY', 'Strata is starting; retry shortly');
    return services.db;
  };
  const keyResolver = () => {
    if (!keys) throw new AppError('NOT_READY', 'Strata is starting; retry shortly');
    return keys;
  };

  // Fastify types its instance by the logger it is given; our pino Logger is one FastifyBaseLogger.
  const logger: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance: logger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Survey links carry their signed token in the path.
    routerOptions: { maxParamLength: 1024 },
    forceCloseConnections: false,
    frameworkErrors: renderFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installRequestIdHeader(app);
  await installSecurityHeaders(app);
  // Every answer, errors and 404s included: browsers must not sniff JSON or text into HTML.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  installStorableInputChecks(app);
  await app.register(fastifyCookie);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Strata API',
        version: '1',
        description: 'Management API of Strata. Ingestion follows Segment’s HTTP Tracking API under /v1.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, writeKey: { type: 'http', scheme: 'basic' } } },
      security: [{ bearer: [] }],
    },
    // Every route passes through documentRoute (operationId, summary and error responses are
    // checked and added there); registered Zod schemas (Error, recursive ones) become components.
    transform: documentRoute,
    transformObject: documentObject,
  });
  // Helmet set the web UI's policy; Swagger UI's pages get theirs (see apiDocsContentSecurityPolicy).
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', transformStaticCSP: () => apiDocsContentSecurityPolicy });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (!services) return reply.status(503).send({ status: 'starting' });
    const health = (await services.checkDatabase?.()) ?? { ok: true };
    if (!health.ok) return reply.status(503).send({ status: 'unavailable', reason: `database unreachable: ${health.reason}` });
    return { status: 'ok' };
  });
  await registerWebUi(app, options.webRoot);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  const rateLimiter = new IngestRateLimiter(options.ingestRateLimit ?? defaultIngestRateLimit, now);
  registerMetricsRoute(app, {
    db,
    engine: () => services?.engine,
    now,
    access: options.metricsAccess ?? { allow: defaultMetricsAllow },
    ingestRateLimited: () => rateLimiter.refused,
  });

  await app.register((scope, _options, done) => {
    registerIngestionRoutes(scope, {
      db,
      keys: keyResolver,
      now,
      eventTimeWindow: options.eventTimeWindow ?? defaultEventTimeWindow,
      rateLimiter,
      suppressionKey: () => services?.secrets?.suppressionKey,
      publicUrl: options.publicUrl,
    });
    done();
  });
  const secrets = () => services?.secrets;
  await app.register((scope, _options, done) => {
    registerInAppRoutes(scope, { db, keys: keyResolver, now, secrets });
    done();
  });
  await app.register((scope, _options, done) => {
    registerWebhookRoutes(scope, { db, now, secrets });
    done();
  });
  await app.register((scope, _options, done) => {
    registerSurveyPages(scope, { db, now, secrets });
    done();
  });
  await app.register((scope, _options, done) => {
    registerUnsubscribePages(scope, { db, now, secrets });
    done();
  });
  await app.register(
    (scope, _options, done) => {
      // Browser pages of other origins may call the management API only when STRATA_CORS_ORIGINS names them.
      if (options.corsOrigins?.length) void scope.register(fastifyCors, managementCors(options.corsOrigins));
      const sessions = options.sessions ?? defaultSessionPolicy;
      const identify = identifyCaller({ keys: keyResolver, db, now, sessions, publicUrl: options.publicUrl });
      const auth = managementAuth(identify);
      registerProfileRoutes(scope, { db, auth });
      registerCustomerRoutes(scope, { auth });
      registerSegmentRuleRoutes(scope, { db, auth, now });
      registerSegmentRoutes(scope, { db, auth, now, engine: () => services?.engine });
      registerSegmentMemberRoutes(scope, { db, auth, now });
      registerManualMemberRoutes(scope, { auth });
      registerSegmentActivityRoutes(scope, { auth, now });
      registerSegmentExportRoutes(scope, { auth });
      registerTicketRoutes(scope, { db, auth, now, suppressionKey: () => services?.secrets?.suppressionKey });
      registerTextModelRoutes(scope, { auth });
      registerTicketDecisionRoutes(scope, { auth });
      registerSlaPolicyRoutes(scope, { auth });
      registerSupportPolicyRoutes(scope, { auth });
      registerCannedResponseRoutes(scope, { auth });
      registerEntitlementRoutes(scope, { auth });
      registerChurnRoutes(scope, { auth });
      registerHealthModelRoutes(scope, { auth });
      registerAccountHealthRoutes(scope, { auth });
      registerPersonHealthRoutes(scope, { auth });
      registerQuadrantRoutes(scope, { auth });
      registerQueueRoutes(scope, { auth });
      registerAgentRoutes(scope, { auth });
      registerTicketAssignmentRoutes(scope, { auth });
      registerTriageRoutes(scope, { auth });
      registerLifecycleRoutes(scope, { auth });
      registerSegmentMetricsRoutes(scope, { auth });
      registerCompareRoutes(scope, { auth });
      registerOverlapWarningRoutes(scope, { auth });
      registerSnapshotRoutes(scope, { auth });
      registerAnalyticsSettingsRoutes(scope, { auth });
      registerSuggestionRoutes(scope, { auth });
      registerPlaybookRoutes(scope, { auth, secrets });
      registerInAppSettingsRoutes(scope, { auth, secrets });
      registerPlaybookRunRoutes(scope, { auth });
      registerPlaybookExperimentRoutes(scope, { auth });
      registerPredefinedPlaybookRoutes(scope, { auth, secrets });
      registerCsmTaskRoutes(scope, { auth });
      registerEmailSettingsRoutes(scope, { auth, secrets, allowPrivate: options.allowPrivateWebhooks ?? false });
      registerSuppressionRoutes(scope, { auth });
      registerRenderEmailRoute(scope, { auth, now, secrets, publicUrl: options.publicUrl });
      registerSurveyRoutes(scope, { db, auth, now, secrets, publicUrl: options.publicUrl });
      registerIntegrationRoutes(scope, { db, auth, secrets, publicUrl: options.publicUrl });
      registerHelpDeskWebhookRoutes(scope, { auth, secrets, publicUrl: options.publicUrl });
      registerHelpDeskSyncRoutes(scope, { auth, secrets });
      registerMembershipWebhookRoutes(scope, { db, auth, now, secrets });
      registerSystemRoutes(scope, { db, auth, now });
      registerAuthRoutes(scope, { db, identify, now, sessions, publicUrl: options.publicUrl });
      registerUserRoutes(scope, { db, auth, now, publicUrl: options.publicUrl });
      registerKeyRoutes(scope, { auth });
      registerAuditRoutes(scope, { auth });
      registerWorkspaceRoutes(scope, { auth });
      registerPeoplePrivacyRoutes(scope, { auth, now, secrets });
      registerRetentionRoutes(scope, { auth });
      registerIngestionSettingsRoutes(scope, { auth });
      done();
    },
    { prefix: '/api/v1' },
  );

  return {
    app,
    setServices(next) {
      services = next;
      keys = new KeyResolver(next.db, now);
    },
  };
}
