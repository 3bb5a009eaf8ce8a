import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCsmTasks, setCsmTaskStatus, type CsmTask } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { taskSchema } from './playbook-schemas.js';

const view = (task: CsmTask): z.output<typeof taskSchema> => ({
  id: task.id,
  playbook: task.playbookKey,
  runId: task.enrolmentId,
  personId: task.personId,
  title: task.title,
  assignee: task.assignee,
  reason: task.reason,
  dueAt: task.dueAt?.toISOString() ?? null,
  status: task.status,
  createdAt: task.createdAt.toISOString(),
  completedAt: task.completedAt?.toISOString() ?? null,
});

/** CSM tasks that playbooks open: listed by assignee and status, completed by PATCH. */
export function registerCsmTaskRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/tasks',
    {
      schema: {
        operationId: 'listTasks',
        summary: 'CSM tasks, soonest due first',
        tags: ['playbooks'],
        querystring: z.object({
          assignee: z.string().min(1).max(320).optional(),
          status: z.enum(['open', 'done']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.array(taskSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      return (await listCsmTasks(scope, request.query)).map(view);
    },
  );
  api.patch(
    '/tasks/:id',
    {
      schema: {
        operationId: 'updateTask',
        summary: 'Complete a task (status "done"), or open it again',
        tags: ['playbooks'],
        params: z.object({ id: z.string().max(20) }),
        body: z.strictObject({ status: z.enum(['open', 'done']) }),
        response: { 200: taskSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const task = await setCsmTaskStatus(scope, request.params.id, request.body.status);
      if (!task) throw new AppError('NOT_FOUND', `no task ${request.params.id}: list them with GET /api/v1/tasks`);
      return view(task);
    },
  );
}
