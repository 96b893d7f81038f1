import { type ComponentType, lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { Loading } from '../components/States';
import { AdminLayout } from '../features/admin/AdminLayout';
import { ManageMyApp } from '../features/applications/ManageMyApp';
import { MyApps } from '../features/portal/MyApps';
import { MyGroupDetail } from '../features/portal/MyGroupDetail';
import { MyGroups } from '../features/portal/MyGroups';
import { PortalLayout } from '../features/portal/PortalLayout';
import { RequestNewApps } from '../features/requests/RequestNewApps';
import { NotFound } from './NotFound';
import { RouteError } from './RouteError';

type AdminPages = typeof import('../features/admin/pages');

/** An admin page from the lazily loaded admin chunk. */
function admin(name: keyof AdminPages) {
  const Page = lazy(async () => ({ default: (await import('../features/admin/pages'))[name] as ComponentType }));
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

/**
 * Every address of the SPA. The server answers each of these paths with index.html (http/web.ts).
 * Errors while rendering a page (e.g. an admin chunk that a new deploy removed) are caught by
 * RouteError: inside the admin center and the portal, below their layout (the navigation stays);
 * in a layout itself, in its place.
 */
export const routes: RouteObject[] = [
  { path: '/', element: <Navigate to="/myapps" replace />, errorElement: <RouteError /> },
  { path: '/auth/signed-out', element: <Navigate to="/myapps" replace />, errorElement: <RouteError /> },
  {
    path: '/admin',
    element: <AdminLayout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, element: admin('AdminHome') },
          { path: 'users', element: admin('UsersList') },
          { path: 'users/new', element: admin('NewUser') },
          { path: 'users/invite', element: admin('InviteExternalUser') },
          { path: 'users/guests', element: admin('GuestsList') },
          { path: 'users/:id', element: admin('UserDetail') },
          { path: 'groups', element: admin('GroupsList') },
          { path: 'groups/new', element: admin('NewGroup') },
          { path: 'groups/settings', element: admin('GroupSettings') },
          { path: 'groups/:id', element: admin('GroupDetail') },
          { path: 'groups/:id/:blade', element: admin('GroupDetail') },
          { path: 'applications', element: admin('AppsList') },
          { path: 'applications/new', element: admin('NewApplication') },
          { path: 'applications/:id', element: admin('AppDetail') },
          { path: 'applications/:id/:blade', element: admin('AppDetail') },
          { path: 'roles', element: admin('RolesList') },
          { path: 'roles/:id', element: admin('RoleDetail') },
          { path: 'external-collaboration', element: admin('ExternalCollaboration') },
          { path: 'organization', element: admin('OrganizationPage') },
          { path: 'audit', element: admin('AuditLogs') },
          { path: 'dev-mailbox', element: admin('DevMailbox') },
          { path: 'dev-mailbox/:id', element: admin('DevMailbox') },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
  {
    element: <PortalLayout />,
    errorElement: <RouteError />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { path: '/myapps', element: <MyApps /> },
          { path: '/myapps/request', element: <RequestNewApps /> },
          { path: '/myapps/manage/:id', element: <ManageMyApp /> },
          { path: '/mygroups', element: <MyGroups /> },
          { path: '/mygroups/:id', element: <MyGroupDetail /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
