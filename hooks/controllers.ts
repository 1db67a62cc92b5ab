/** Every controller the service serves, mounted at `POST /<name>/<hook>`. */
import { INTEGRATIONS } from './integrations/index.js';
import type { ControllerDef } from './metacontroller/controller.js';
import { postgresBackupController } from './postgresbackup/controller.js';
import { postgresClusterController } from './postgrescluster/controller.js';
import { postgresDatabaseController } from './postgresdatabase/controller.js';
import { postgresRestoreDrillController } from './postgresrestoredrill/controller.js';

export const CONTROLLERS: readonly ControllerDef[] = [
  postgresBackupController,
  postgresClusterController,
  postgresDatabaseController,
  postgresRestoreDrillController,
  ...INTEGRATIONS,
];
