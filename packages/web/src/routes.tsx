import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { RequireSession } from './session/RequireSession';
import { AppLayout } from './shell/AppLayout';
import { FirstStartPage } from './screens/sign-in/FirstStartPage';
import { SetPasswordPage } from './screens/set-password/SetPasswordPage';
import { SignInPage } from './screens/sign-in/SignInPage';
import { prefetchSegmentsList } from './screens/segments/segment-queries';

// One folder per screen under screens/; each signed-in screen is its own chunk, so a heavy one
// (the rule editor's CodeMirror, the charts' ECharts) never weighs on the first load.
const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));
const SegmentPage = named(() => import('./screens/segment/SegmentPage'), 'SegmentPage');
const NewSegmentPage = named(() => import('./screens/segment-editor/SegmentEditorPage'), 'NewSegmentPage');
const EditSegmentPage = named(() => import('./screens/segment-editor/SegmentEditorPage'), 'EditSegmentPage');
const CustomersPage = named(() => import('./screens/customers/CustomersPage'), 'CustomersPage');
const PersonPage = named(() => import('./screens/customer/PersonPage'), 'PersonPage');
const AccountPage = named(() => import('./screens/customer/AccountPage'), 'AccountPage');
const TriagePage = named(() => import('./screens/triage/TriagePage'), 'TriagePage');
const TicketPage = named(() => import('./screens/ticket/TicketPage'), 'TicketPage');
const HealthPage = named(() => import('./screens/health/HealthPage'), 'HealthPage');
const PlaybooksPage = named(() => import('./screens/playbooks/PlaybooksPage'), 'PlaybooksPage');
const PlaybookPage = named(() => import('./screens/playbooks/PlaybookPage'), 'PlaybookPage');
const NewPlaybookPage = named(() => import('./screens/playbooks/PlaybookEditorPage'), 'NewPlaybookPage');
const EditPlaybookPage = named(() => import('./screens/playbooks/PlaybookEditorPage'), 'EditPlaybookPage');
const TasksPage = named(() => import('./screens/playbooks/TasksPage'), 'TasksPage');
const DashboardsPage = named(() => import('./screens/dashboards/DashboardsPage'), 'DashboardsPage');
const ChurnModelPage = named(() => import('./screens/churn-model/ChurnModelPage'), 'ChurnModelPage');
const SettingsPage = named(() => import('./screens/settings/SettingsPage'), 'SettingsPage');
const KeysPage = named(() => import('./screens/settings/KeysPage'), 'KeysPage');
const UsersPage = named(() => import('./screens/settings/UsersPage'), 'UsersPage');
const IntegrationsPage = named(() => import('./screens/settings/IntegrationsPage'), 'IntegrationsPage');
const IngestionPage = named(() => import('./screens/settings/IngestionPage'), 'IngestionPage');
const BusinessHoursPage = named(() => import('./screens/settings/BusinessHoursPage'), 'BusinessHoursPage');
const TextModelsPage = named(() => import('./screens/settings/TextModelsPage'), 'TextModelsPage');
const QueuesPage = named(() => import('./screens/settings/QueuesPage'), 'QueuesPage');
const CannedResponsesPage = named(() => import('./screens/settings/CannedResponsesPage'), 'CannedResponsesPage');
const WorkspacePage = named(() => import('./screens/settings/WorkspacePage'), 'WorkspacePage');
const LifecyclePage = named(() => import('./screens/settings/LifecyclePage'), 'LifecyclePage');
const SystemPage = named(() => import('./screens/settings/SystemPage'), 'SystemPage');
const SupportPoliciesPage = named(() => import('./screens/support-policies/SupportPoliciesPage'), 'SupportPoliciesPage');
const NotFoundPage = named(() => import('./screens/not-found/NotFoundPage'), 'NotFoundPage');

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/first-start', element: <FirstStartPage /> },
  // The links POST /api/v1/users and POST /api/v1/users/{id}/password-reset answer.
  { path: '/invite', element: <SetPasswordPage link="invite" /> },
  { path: '/reset', element: <SetPasswordPage link="reset" /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="/segments" replace /> },
          // The list is what a person sees first: its data and code load as the navigation starts
          // (the router's lazy, not React's, so no loading fallback and its 300 ms reveal delay).
          {
            path: 'segments',
            loader: prefetchSegmentsList,
            lazy: async () => ({ Component: (await import('./screens/segments/SegmentsPage')).SegmentsPage }),
          },
          { path: 'segments/new', element: <NewSegmentPage /> },
          { path: 'segments/:key', element: <SegmentPage /> },
          { path: 'segments/:key/edit', element: <EditSegmentPage /> },
          { path: 'customers', element: <CustomersPage /> },
          { path: 'people/:userId', element: <PersonPage /> },
          { path: 'accounts/:groupId', element: <AccountPage /> },
          { path: 'queue', element: <TriagePage /> },
          { path: 'tickets/:id', element: <TicketPage /> },
          { path: 'health', element: <HealthPage /> },
          { path: 'health/churn-model', element: <ChurnModelPage /> },
          { path: 'playbooks', element: <PlaybooksPage /> },
          { path: 'playbooks/new', element: <NewPlaybookPage /> },
          { path: 'playbooks/:key', element: <PlaybookPage /> },
          { path: 'playbooks/:key/edit', element: <EditPlaybookPage /> },
          { path: 'tasks', element: <TasksPage /> },
          { path: 'dashboards', element: <DashboardsPage /> },
          {
            path: 'settings',
            element: <SettingsPage />,
            children: [
              { path: 'keys', element: <KeysPage /> },
              { path: 'users', element: <UsersPage /> },
              { path: 'integrations', element: <IntegrationsPage /> },
              { path: 'ingestion', element: <IngestionPage /> },
              { path: 'business-hours', element: <BusinessHoursPage /> },
              { path: 'support-policies', element: <SupportPoliciesPage /> },
              { path: 'text-models', element: <TextModelsPage /> },
              { path: 'queues', element: <QueuesPage /> },
              { path: 'canned-responses', element: <CannedResponsesPage /> },
              { path: 'lifecycle', element: <LifecyclePage /> },
              { path: 'workspace', element: <WorkspacePage /> },
              { path: 'system', element: <SystemPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
