/**
 * My Apps (Portico extension, `GET /v1.0/me/myApps`): the tiles of the signed-in user's portal.
 * An app appears when the user is assigned to it (directly or through a group they are a direct
 * member of), it is enabled and not tagged HideApp; owners also see the apps they own.
 */
export interface MyApp {
  /** Object id of the service principal. */
  id: string;
  appId: string;
  displayName: string;
  description: string | null;
  logoUrl: string | null;
  /** Direct sign-on link: `<public URL>/myapps/signin/<appId>`. */
  launchUrl: string;
  /** The user owns the application ("Manage your application"). */
  isOwner: boolean;
}
