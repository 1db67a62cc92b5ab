/**
 * The shape of `spec.standby` as written in the CRD (crds/postgresclusters.yaml is the source) and
 * after resolution.
 * @see ./dcs.ts (what Patroni does with it), ./env.ts (what Spilo reads)
 */
import type {
  ArchiveLocation,
  DestinationSpec,
  EncryptionSpec,
  ResolvedEncryption,
} from '../backup/types.js';
import type { CredentialPurpose } from '../names.js';

export interface StandbySpec {
  host?: string;
  port?: number;
  archive?: DestinationSpec & {
    path?: string;
    cluster?: { name: string; uid: string; namespace?: string };
  };
  encryption?: EncryptionSpec;
  credentials: {
    superuserSecret: { name: string };
    replicationSecret: { name: string };
    appSecret: { name: string };
  };
}

/** The source's archive, as the standby's restore_command reads it. */
export interface ResolvedStandbyArchive extends ArchiveLocation {
  /** `STANDBY_SCOPE`: names Spilo's envdir `env-standby-<scope>`; the source cluster's name when known. */
  scope: string;
  encryption?: ResolvedEncryption;
}

export interface ResolvedStandby {
  /** Streaming from the source's primary: present with `spec.standby.host`. */
  streaming?: { host: string; port: number };
  archive?: ResolvedStandbyArchive;
  /** The Secrets holding the source's passwords, by the credential they seed. */
  credentials: Record<CredentialPurpose, string>;
}
