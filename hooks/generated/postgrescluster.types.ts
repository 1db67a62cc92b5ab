/* generated – do not edit: run `npx tsx scripts/gen-schema.ts` (source: crds/postgresclusters.yaml) */
/* eslint-disable @typescript-eslint/consistent-indexed-object-style, max-lines -- generated, not read as code */

/**
 * Desired state of the cluster.
 */
export interface PostgresClusterSpec {
  /**
   * PostgreSQL major version, as a string: 13 to 17. 18 is refused for now (SpecValid=False): it needs Spilo's spilo-18 (4.1) image, whose scripts pgmeta has not been checked against. Never lowered (a data directory cannot be downgraded). Raising it is refused once the cluster holds data: upgrade by restoring into a new cluster of the new version, with restore.source.version set to this one (docs/day2.md "Major version upgrade").
   */
  version: '13' | '14' | '15' | '16' | '17' | '18';
  /**
   * Spilo image override. By default pgmeta uses the Spilo image that supports `version`; an override must contain PostgreSQL `version`, Patroni and WAL-G.
   */
  image?: string;
  /**
   * Number of members (pods), the primary included. Scales with `kubectl scale`.
   */
  replicas?: number;
  /**
   * The persistent volume of each member, which holds the data directory.
   */
  storage: {
    /**
     * Volume size per member, a quantity such as `10Gi`. It may grow (when the StorageClass allows volume expansion) but never shrink.
     */
    size: string;
    /**
     * StorageClass of the volumes; absent means the cluster's default StorageClass. Fixed at creation, because existing volumes cannot move to another class.
     */
    storageClass?: string;
    /**
     * What happens to the volumes when the cluster is deleted or scaled down (the StatefulSet's persistentVolumeClaimRetentionPolicy).
     */
    retentionPolicy?: {
      /**
       * Retain or Delete the volumes when the cluster is deleted.
       */
      whenDeleted?: 'Retain' | 'Delete';
      /**
       * Retain or Delete the volumes of members removed by scaling down.
       */
      whenScaled?: 'Retain' | 'Delete';
    };
  };
  /**
   * CPU and memory of the PostgreSQL container. Spilo sizes shared_buffers (a fifth) and max_connections (one per 30 MB, 100 to 1000) from the memory limit unless postgresqlParams set them, so the memory is always bounded: a memory request without a limit also sets the limit, a limit without a request also sets the request, and with neither both are 1Gi. Changing them restarts the members one by one.
   */
  resources?: {
    /**
     * Minimum resources, by name (cpu, memory, ephemeral-storage, hugepages-<size>).
     */
    requests?: {
      /**
       * A quantity such as 500m or 2Gi.
       */
      [k: string]: number | string;
    };
    /**
     * Maximum resources, by name (cpu, memory, ephemeral-storage, hugepages-<size>).
     */
    limits?: {
      /**
       * A quantity such as 500m or 2Gi.
       */
      [k: string]: number | string;
    };
  };
  /**
   * PostgreSQL settings (postgresql.conf), by name. Values are strings as PostgreSQL reads them ('256MB', '0.9', 'on'); integers may be written unquoted. Quote anything else: kubectl reads YAML 1.1, where an unquoted on, off, yes, no, true or false is a boolean and 0.9 a float, which the API server refuses. pgmeta checks names, types, units, ranges and enum values against the requested major and rejects the settings that Patroni and pgmeta own (listen_addresses, port, ssl files, archive and recovery commands...). The parameters Patroni takes from its dynamic configuration only are also checked against Patroni's own limits, since Patroni would drop a value it rejects and silently run its default: max_connections at least 25, max_wal_senders 3, wal_keep_size 16MB, max_locks_per_transaction 32, max_replication_slots 4, max_worker_processes 2; wal_level hot_standby, replica or logical; track_commit_timestamp and wal_log_hints as on, off, true, false, yes, no, 1 or 0. Names with a dot (extension settings such as pg_stat_statements.max) are passed through unchecked. shared_preload_libraries adds to the libraries Spilo always loads (bg_mon, pg_stat_statements, pgextwlist, pg_auth_mon, set_user, timescaledb, pg_cron, pg_stat_kcache), never replaces them, and may name only libraries the image ships for preloading (auto_explain, pg_prewarm, pgaudit, pglogical, ...); it cannot be set with version 18 yet.
   */
  postgresqlParams?: {
    /**
     * The value of one setting; an integer or a string.
     */
    [k: string]: number | string;
  };
  /**
   * Extra pg_hba.conf lines, placed after the one rule Patroni's own replication connection over the Unix socket needs (`local replication standby trust`, as in Spilo) and before pgmeta's other rules (which allow replication and password logins over TLS). One complete rule per item. Each line is parsed as the server of `version` parses it (type, databases, users, address unless local, method, name=value options) and refused when that server would refuse it, since one bad line keeps PostgreSQL from starting. pgmeta also refuses @file includes, a trailing backslash, host names that are not DNS names, regular expressions (/...) before version 16 or beyond letters, digits and _ . - ^ $ | ( ) * + ?, and the methods trust, password, md5 and ident on TCP lines (host...) unless pgHbaAllowInsecure lists them.
   *
   * @maxItems 100
   *
   * Items: One pg_hba.conf rule, e.g. `hostssl all all 10.0.0.0/8 scram-sha-256`.
   */
  pgHba?: string[];
  /**
   * Weak authentication methods that pgHba lines may use on TCP connections (host, hostssl, hostnossl, hostgssenc, hostnogssenc), which pgmeta otherwise refuses: trust (no password at all), password (the password in clear text), md5 (MD5 hashes; with SCRAM-stored passwords the server still asks for SCRAM) and ident (believes the client's own ident server). Every TCP line counts, loopback and samehost included, because other containers of the pod share its loopback. local (Unix socket) lines never need this.
   *
   * @maxItems 4
   *
   * Items: A method pgHba lines may use on TCP connections.
   */
  pgHbaAllowInsecure?: ('trust' | 'password' | 'md5' | 'ident')[];
  /**
   * Patroni synchronous replication. `sync` waits for nodeCount synchronous replicas while they are healthy; `strict` never commits without them, trading availability for no data loss on failover.
   */
  synchronous?: {
    /**
     * async (no synchronous replica), sync (Patroni synchronous_mode) or strict (synchronous_mode_strict).
     */
    mode?: 'async' | 'sync' | 'strict';
    /**
     * Number of synchronous replicas (Patroni synchronous_node_count); less than replicas.
     */
    nodeCount?: number;
  };
  /**
   * The application database created with the cluster, owned by a role of the same kind; its credentials are in the `<name>-app` Secret. Fixed at creation.
   */
  bootstrap?: {
    /**
     * Name of the application database, a lower-case PostgreSQL identifier.
     */
    database?: string;
    /**
     * Role that owns the application database, a lower-case PostgreSQL identifier.
     */
    owner?: string;
  };
  /**
   * How clients reach the primary (read-write) and the replicas (read-only).
   */
  service?: {
    /**
     * Service type of the read-write and read-only Services.
     */
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
    /**
     * Annotations added to the Services, e.g. for a cloud load balancer.
     */
    annotations?: {
      /**
       * Annotation value.
       */
      [k: string]: string;
    };
    /**
     * Client CIDRs a LoadBalancer admits, e.g. 10.0.0.0/8.
     *
     * @maxItems 64
     *
     * Items: A CIDR such as 192.168.0.0/16 or fd00::/8.
     */
    loadBalancerSourceRanges?: string[];
    /**
     * Cluster or Local (keeps the client source address) for NodePort and LoadBalancer Services.
     */
    externalTrafficPolicy?: 'Cluster' | 'Local';
  };
  /**
   * Encryption of client connections. Without issuerRef every member serves the self-signed certificate Spilo generates (status.tls.mode SelfSigned).
   */
  tls?: {
    /**
     * Require TLS for connections from outside the pod (hostssl rules), and from and to the poolers. false also admits unencrypted connections.
     */
    enabled?: boolean;
    /**
     * A cert-manager issuer that signs the cluster's certificate: a Certificate `<name>-tls` naming every Service (needs the cert-manager component, manifests/components/cert-manager). Members wait for its Secret before they start (a new cluster's StatefulSet keeps zero members until it is issued), and pick up renewals without a restart. PostgreSQL is given the Secret's ca.crt as ssl_ca_file only when the issuer wrote one (CA, Vault and self-signed issuers do, ACME issuers do not); the poolers verify PostgreSQL's certificate against it, so they need such an issuer.
     */
    issuerRef?: {
      /**
       * Name of the issuer.
       */
      name: string;
      /**
       * Issuer (in the cluster's namespace), ClusterIssuer, or an external issuer's kind.
       */
      kind?: string;
      /**
       * API group of the issuer; cert-manager.io unless an external issuer.
       */
      group?: string;
    };
  };
  /**
   * PgBouncer connection poolers in front of the primary (Service `<name>-pooler`, port 6432) and, with readOnlyPooler, in front of the replicas (`<name>-pooler-ro`). Clients log in with their own database user and password: PgBouncer looks the password up through a dedicated low-privilege role, never the superuser. With TLS enabled the poolers speak TLS to clients and to the database.
   */
  pgbouncer?: {
    /**
     * Run the poolers.
     */
    enabled?: boolean;
    /**
     * PgBouncer pods of each pooler.
     */
    replicas?: number;
    /**
     * When a server connection returns to the pool: after each transaction (most connections saved; session state such as SET or advisory locks does not survive a transaction) or when the client disconnects.
     */
    poolMode?: 'session' | 'transaction';
    /**
     * Client connections each PgBouncer pod accepts (max_client_conn).
     */
    maxClientConn?: number;
    /**
     * Server connections per user and database in each pod (default_pool_size).
     */
    defaultPoolSize?: number;
    /**
     * Server connections per database in each pod, over all users (max_db_connections); 0 means no limit.
     */
    maxDbConnections?: number;
    /**
     * CPU and memory of each PgBouncer container (a few hundred MiB serve thousands of client connections).
     */
    resources?: {
      /**
       * Minimum resources, by name (cpu, memory, ephemeral-storage, hugepages-<size>).
       */
      requests?: {
        /**
         * A quantity such as 500m or 2Gi.
         */
        [k: string]: number | string;
      };
      /**
       * Maximum resources, by name (cpu, memory, ephemeral-storage, hugepages-<size>).
       */
      limits?: {
        /**
         * A quantity such as 500m or 2Gi.
         */
        [k: string]: number | string;
      };
    };
    /**
     * Also run a pooler in front of the replicas (`<name>-pooler-ro`).
     */
    readOnlyPooler?: boolean;
  };
  /**
   * NetworkPolicies around the members and the poolers (needs a network plugin that enforces them). PostgreSQL (5432) and the poolers (6432) admit only the peers below; 5432 also pgmeta's own pods of the cluster (members, poolers, Jobs), the PostgresDatabase SQL Jobs of the namespace and, with scaling, KEDA's operator (namespace keda). Patroni's API (8008) admits only the members and pgmeta's Jobs that call it. Pods are told apart by labels, which anyone who may create pods in the namespace can set (docs/security.md). Members may reach DNS (53), the API server (443, 6443; see apiServerCidrs), each other and the backup store. The poolers may reach DNS and the members. With metrics, namespaces labelled pgmeta.io/metrics-scraper=true may scrape the exporter (9187) and Patroni (8008).
   */
  networkPolicy?: {
    /**
     * Render the NetworkPolicies.
     */
    enabled?: boolean;
    /**
     * Client pods allowed to connect to PostgreSQL and the poolers, as NetworkPolicy peers: podSelector alone means pods of this namespace, namespaceSelector alone every pod of those namespaces, both the matching pods of those namespaces.
     *
     * @maxItems 32
     *
     * Items: One peer.
     */
    allowFrom?: {
      /**
       * Namespaces of the peer; {} selects every namespace.
       */
      namespaceSelector?: {
        /**
         * Labels that must all be present with these values.
         */
        matchLabels?: {
          /**
           * Label value.
           */
          [k: string]: string;
        };
        /**
         * Label requirements, ANDed.
         *
         * @maxItems 32
         *
         * Items: A requirement on one label.
         */
        matchExpressions?: {
          /**
           * The label key.
           */
          key: string;
          /**
           * In, NotIn, Exists or DoesNotExist.
           */
          operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
          /**
           * Values for In and NotIn.
           *
           * Items: A label value.
           */
          values?: string[];
        }[];
      };
      /**
       * Pods of the peer; {} selects every pod.
       */
      podSelector?: {
        /**
         * Labels that must all be present with these values.
         */
        matchLabels?: {
          /**
           * Label value.
           */
          [k: string]: string;
        };
        /**
         * Label requirements, ANDed.
         *
         * @maxItems 32
         *
         * Items: A requirement on one label.
         */
        matchExpressions?: {
          /**
           * The label key.
           */
          key: string;
          /**
           * In, NotIn, Exists or DoesNotExist.
           */
          operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
          /**
           * Values for In and NotIn.
           *
           * Items: A label value.
           */
          values?: string[];
        }[];
      };
    }[];
    /**
     * Client addresses (outside the cluster's pod network, e.g. a VPN or a load balancer's source range) allowed to connect to PostgreSQL and the poolers.
     *
     * @maxItems 64
     *
     * Items: A CIDR such as 10.0.0.0/8 or fd00::/8.
     */
    allowCidrs?: string[];
    /**
     * The API server's addresses (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`), to which the members' egress on 443 and 6443 is then limited. Unset, those ports are open to every address: no selector can name the API server, which runs outside the pod network.
     *
     * @maxItems 16
     *
     * Items: A CIDR such as 172.18.0.2/32.
     */
    apiServerCidrs?: string[];
  };
  /**
   * Prometheus metrics: a postgres_exporter sidecar in every member, logged in as a pg_monitor role with its own Secret (<name>-monitoring), a `metrics` port (9187) on the replicas' and members' Services, and, with the prometheus component (manifests/components/prometheus), a PodMonitor that also scrapes Patroni's /metrics. Alerts and a dashboard are in manifests/monitoring.
   */
  metrics?: {
    /**
     * Run the exporter sidecar.
     */
    enabled?: boolean;
  };
  /**
   * Where PostgreSQL's own log goes (docs/logging.md). `stdout` makes it part of the pod's output (`kubectl logs`): text in the `postgres` container, JSON in a `postgres-log` container that follows the JSON log file. `files` keeps it in files on the data volume (pgroot/pg_log), as Spilo does by default. Left out, a new cluster gets `stdout` and a cluster created before this field keeps its files, so upgrading pgmeta restarts no member; changing it restarts the members one at a time.
   */
  logging?: {
    /**
     * The pod's output (stdout) or files on the data volume.
     */
    destination?: 'stdout' | 'files';
    /**
     * text (PostgreSQL's stderr format), json (jsonlog, PostgreSQL 15 and later) or csv (csvlog, files only). Default: text for stdout, csv for files.
     */
    format?: 'text' | 'json' | 'csv';
  };
  /**
   * Autoscaling of the members with KEDA (needs KEDA and the keda component, manifests/components/keda): a ScaledObject on this PostgresCluster's scale subresource, never below the HA minimum (two members, more with synchronous replication), one member at a time, paused while a replica lags more than maxLagBytes. It then owns spec.replicas: do not also set it from elsewhere.
   */
  scaling?: {
    /**
     * Create the ScaledObject.
     */
    enabled?: boolean;
    /**
     * Fewest members; raised to the HA minimum when synchronous replication needs more.
     */
    minReplicas?: number;
    /**
     * Most members.
     */
    maxReplicas?: number;
    /**
     * Average CPU of the postgres containers to aim for, in percent of their request (set resources.requests.cpu).
     */
    cpuTargetUtilization?: number;
    /**
     * Also scale on client connections: the count on one replica (through the read-only Service, as the monitoring role, so metrics must be enabled) to aim for. With networkPolicy, list KEDA's operator pods in allowFrom: they run the query.
     */
    connectionsPerReplica?: number;
    /**
     * Scaling pauses while a replica lags this many bytes of WAL or more, as status.members[].lagBytes reports it (rounded down to a power of two; lag under 1 MiB never pauses). Default 16 MiB.
     */
    maxLagBytes?: number;
  };
  /**
   * Where the cluster runs. `openshift` renders pods that OpenShift's default restricted-v2 SecurityContextConstraints admit (no fixed runAsUser, runAsGroup or fsGroup: the platform assigns them from the namespace's range) and makes `configmaps` the default of patroni.dcs. Fixed at creation: the data directory belongs to the user the pods first ran as (docs/openshift.md).
   */
  platform?: 'kubernetes' | 'openshift';
  /**
   * How Patroni runs.
   */
  patroni?: {
    /**
     * Which Kubernetes objects Patroni keeps its leader lock and state in. `endpoints`: Endpoints, and the primary Service has no selector (Patroni writes its addresses together with the lock). `configmaps`: ConfigMaps, and the primary Service selects the pod Patroni labels as leader; needed where service accounts may not write Endpoints (OpenShift). Default: `endpoints`, or `configmaps` with platform `openshift`; the default is decided when the cluster is created and recorded, so a cluster keeps its DCS whatever later defaults say. Fixed at creation (docs/patroni-dcs.md).
     */
    dcs?: 'endpoints' | 'configmaps';
  };
  /**
   * Pod affinity rules. Without podAntiAffinity, pgmeta prefers to spread members across nodes (kubernetes.io/hostname) and zones (topology.kubernetes.io/zone).
   */
  affinity?: {
    /**
     * Node affinity scheduling rules for the members.
     */
    nodeAffinity?: {
      /**
       * Nodes a member may only be scheduled on.
       */
      requiredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Terms that are ORed; a node must match at least one.
         *
         * @maxItems 16
         *
         * Items: Requirements that are ANDed.
         */
        nodeSelectorTerms: {
          /**
           * Requirements on node labels.
           *
           * Items: A requirement on one node label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists, DoesNotExist, Gt or Lt.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
            /**
             * Values for In and NotIn; one integer for Gt and Lt.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
          /**
           * Requirements on node fields (metadata.name).
           *
           * Items: A requirement on one node field.
           */
          matchFields?: {
            /**
             * The field key.
             */
            key: string;
            /**
             * In, NotIn, Exists, DoesNotExist, Gt or Lt.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
            /**
             * Values for In and NotIn.
             *
             * Items: A field value.
             */
            values?: string[];
          }[];
        }[];
      };
      /**
       * Nodes the scheduler prefers, by weight.
       *
       * @maxItems 16
       *
       * Items: A weighted node preference.
       */
      preferredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Weight from 1 to 100.
         */
        weight: number;
        /**
         * Requirements that are ANDed.
         */
        preference: {
          /**
           * Requirements on node labels.
           *
           * Items: A requirement on one node label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists, DoesNotExist, Gt or Lt.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
            /**
             * Values for In and NotIn; one integer for Gt and Lt.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
          /**
           * Requirements on node fields (metadata.name).
           *
           * Items: A requirement on one node field.
           */
          matchFields?: {
            /**
             * The field key.
             */
            key: string;
            /**
             * In, NotIn, Exists, DoesNotExist, Gt or Lt.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
            /**
             * Values for In and NotIn.
             *
             * Items: A field value.
             */
            values?: string[];
          }[];
        };
      }[];
    };
    /**
     * Co-locate members with other pods.
     */
    podAffinity?: {
      /**
       * Terms that must all be met.
       *
       * @maxItems 16
       *
       * Items: Pods to run in the same topology domain as.
       */
      requiredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Pods this term is about.
         */
        labelSelector?: {
          /**
           * Labels that must all be present with these values.
           */
          matchLabels?: {
            /**
             * Label value.
             */
            [k: string]: string;
          };
          /**
           * Label requirements, ANDed.
           *
           * Items: A requirement on one label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists or DoesNotExist.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
            /**
             * Values for In and NotIn.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
        };
        /**
         * Namespaces to look for pods in; empty selects all.
         */
        namespaceSelector?: {
          /**
           * Labels that must all be present with these values.
           */
          matchLabels?: {
            /**
             * Label value.
             */
            [k: string]: string;
          };
          /**
           * Label requirements, ANDed.
           *
           * Items: A requirement on one label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists or DoesNotExist.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
            /**
             * Values for In and NotIn.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
        };
        /**
         * Namespaces to look for pods in; absent means this cluster's namespace.
         *
         * Items: A namespace name.
         */
        namespaces?: string[];
        /**
         * Node label that defines the topology domain, e.g. kubernetes.io/hostname.
         */
        topologyKey: string;
        /**
         * Pod label keys whose values are added to labelSelector as In requirements.
         *
         * Items: A label key.
         */
        matchLabelKeys?: string[];
        /**
         * Pod label keys whose values are added to labelSelector as NotIn requirements.
         *
         * Items: A label key.
         */
        mismatchLabelKeys?: string[];
      }[];
      /**
       * Terms the scheduler prefers, by weight.
       *
       * @maxItems 16
       *
       * Items: A weighted pod affinity term.
       */
      preferredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Weight from 1 to 100.
         */
        weight: number;
        /**
         * Pods to run in the same topology domain as.
         */
        podAffinityTerm: {
          /**
           * Pods this term is about.
           */
          labelSelector?: {
            /**
             * Labels that must all be present with these values.
             */
            matchLabels?: {
              /**
               * Label value.
               */
              [k: string]: string;
            };
            /**
             * Label requirements, ANDed.
             *
             * Items: A requirement on one label.
             */
            matchExpressions?: {
              /**
               * The label key.
               */
              key: string;
              /**
               * In, NotIn, Exists or DoesNotExist.
               */
              operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
              /**
               * Values for In and NotIn.
               *
               * Items: A label value.
               */
              values?: string[];
            }[];
          };
          /**
           * Namespaces to look for pods in; empty selects all.
           */
          namespaceSelector?: {
            /**
             * Labels that must all be present with these values.
             */
            matchLabels?: {
              /**
               * Label value.
               */
              [k: string]: string;
            };
            /**
             * Label requirements, ANDed.
             *
             * Items: A requirement on one label.
             */
            matchExpressions?: {
              /**
               * The label key.
               */
              key: string;
              /**
               * In, NotIn, Exists or DoesNotExist.
               */
              operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
              /**
               * Values for In and NotIn.
               *
               * Items: A label value.
               */
              values?: string[];
            }[];
          };
          /**
           * Namespaces to look for pods in; absent means this cluster's namespace.
           *
           * Items: A namespace name.
           */
          namespaces?: string[];
          /**
           * Node label that defines the topology domain, e.g. kubernetes.io/hostname.
           */
          topologyKey: string;
          /**
           * Pod label keys whose values are added to labelSelector as In requirements.
           *
           * Items: A label key.
           */
          matchLabelKeys?: string[];
          /**
           * Pod label keys whose values are added to labelSelector as NotIn requirements.
           *
           * Items: A label key.
           */
          mismatchLabelKeys?: string[];
        };
      }[];
    };
    /**
     * Keep members away from other pods. Absent means pgmeta's default: prefer one member per node and per zone.
     */
    podAntiAffinity?: {
      /**
       * Terms that must all be met.
       *
       * @maxItems 16
       *
       * Items: Pods not to run in the same topology domain as.
       */
      requiredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Pods this term is about.
         */
        labelSelector?: {
          /**
           * Labels that must all be present with these values.
           */
          matchLabels?: {
            /**
             * Label value.
             */
            [k: string]: string;
          };
          /**
           * Label requirements, ANDed.
           *
           * Items: A requirement on one label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists or DoesNotExist.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
            /**
             * Values for In and NotIn.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
        };
        /**
         * Namespaces to look for pods in; empty selects all.
         */
        namespaceSelector?: {
          /**
           * Labels that must all be present with these values.
           */
          matchLabels?: {
            /**
             * Label value.
             */
            [k: string]: string;
          };
          /**
           * Label requirements, ANDed.
           *
           * Items: A requirement on one label.
           */
          matchExpressions?: {
            /**
             * The label key.
             */
            key: string;
            /**
             * In, NotIn, Exists or DoesNotExist.
             */
            operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
            /**
             * Values for In and NotIn.
             *
             * Items: A label value.
             */
            values?: string[];
          }[];
        };
        /**
         * Namespaces to look for pods in; absent means this cluster's namespace.
         *
         * Items: A namespace name.
         */
        namespaces?: string[];
        /**
         * Node label that defines the topology domain, e.g. kubernetes.io/hostname.
         */
        topologyKey: string;
        /**
         * Pod label keys whose values are added to labelSelector as In requirements.
         *
         * Items: A label key.
         */
        matchLabelKeys?: string[];
        /**
         * Pod label keys whose values are added to labelSelector as NotIn requirements.
         *
         * Items: A label key.
         */
        mismatchLabelKeys?: string[];
      }[];
      /**
       * Terms the scheduler prefers, by weight.
       *
       * @maxItems 16
       *
       * Items: A weighted pod anti-affinity term.
       */
      preferredDuringSchedulingIgnoredDuringExecution?: {
        /**
         * Weight from 1 to 100.
         */
        weight: number;
        /**
         * Pods not to run in the same topology domain as.
         */
        podAffinityTerm: {
          /**
           * Pods this term is about.
           */
          labelSelector?: {
            /**
             * Labels that must all be present with these values.
             */
            matchLabels?: {
              /**
               * Label value.
               */
              [k: string]: string;
            };
            /**
             * Label requirements, ANDed.
             *
             * Items: A requirement on one label.
             */
            matchExpressions?: {
              /**
               * The label key.
               */
              key: string;
              /**
               * In, NotIn, Exists or DoesNotExist.
               */
              operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
              /**
               * Values for In and NotIn.
               *
               * Items: A label value.
               */
              values?: string[];
            }[];
          };
          /**
           * Namespaces to look for pods in; empty selects all.
           */
          namespaceSelector?: {
            /**
             * Labels that must all be present with these values.
             */
            matchLabels?: {
              /**
               * Label value.
               */
              [k: string]: string;
            };
            /**
             * Label requirements, ANDed.
             *
             * Items: A requirement on one label.
             */
            matchExpressions?: {
              /**
               * The label key.
               */
              key: string;
              /**
               * In, NotIn, Exists or DoesNotExist.
               */
              operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
              /**
               * Values for In and NotIn.
               *
               * Items: A label value.
               */
              values?: string[];
            }[];
          };
          /**
           * Namespaces to look for pods in; absent means this cluster's namespace.
           *
           * Items: A namespace name.
           */
          namespaces?: string[];
          /**
           * Node label that defines the topology domain, e.g. kubernetes.io/hostname.
           */
          topologyKey: string;
          /**
           * Pod label keys whose values are added to labelSelector as In requirements.
           *
           * Items: A label key.
           */
          matchLabelKeys?: string[];
          /**
           * Pod label keys whose values are added to labelSelector as NotIn requirements.
           *
           * Items: A label key.
           */
          mismatchLabelKeys?: string[];
        };
      }[];
    };
  };
  /**
   * Taints the members tolerate.
   *
   * @maxItems 32
   *
   * Items: Tolerates the taints that match key, value and effect.
   */
  tolerations?: {
    /**
     * Taint key; empty with operator Exists matches every taint.
     */
    key?: string;
    /**
     * Equal (the default) or Exists.
     */
    operator?: 'Exists' | 'Equal';
    /**
     * Taint value for operator Equal.
     */
    value?: string;
    /**
     * Taint effect to match; absent matches all effects.
     */
    effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
    /**
     * For NoExecute, how long the member stays bound to a tainted node.
     */
    tolerationSeconds?: number;
  }[];
  /**
   * Node labels a member's node must have.
   */
  nodeSelector?: {
    /**
     * Label value.
     */
    [k: string]: string;
  };
  /**
   * How members spread across topology domains. A constraint without labelSelector selects this cluster's pods.
   *
   * @maxItems 16
   *
   * Items: One spread constraint.
   */
  topologySpreadConstraints?: {
    /**
     * Largest allowed difference of member counts between two domains.
     */
    maxSkew: number;
    /**
     * Node label that defines the domains, e.g. topology.kubernetes.io/zone.
     */
    topologyKey: string;
    /**
     * DoNotSchedule or ScheduleAnyway.
     */
    whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
    /**
     * Pods counted in each domain; absent means this cluster's pods.
     */
    labelSelector?: {
      /**
       * Labels that must all be present with these values.
       */
      matchLabels?: {
        /**
         * Label value.
         */
        [k: string]: string;
      };
      /**
       * Label requirements, ANDed.
       *
       * Items: A requirement on one label.
       */
      matchExpressions?: {
        /**
         * The label key.
         */
        key: string;
        /**
         * In, NotIn, Exists or DoesNotExist.
         */
        operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
        /**
         * Values for In and NotIn.
         *
         * Items: A label value.
         */
        values?: string[];
      }[];
    };
    /**
     * Minimum number of eligible domains (with DoNotSchedule).
     */
    minDomains?: number;
    /**
     * Whether node affinity limits the domains counted (Honor, the default, or Ignore).
     */
    nodeAffinityPolicy?: 'Honor' | 'Ignore';
    /**
     * Whether node taints limit the domains counted (Honor or Ignore, the default).
     */
    nodeTaintsPolicy?: 'Honor' | 'Ignore';
    /**
     * Pod label keys whose values are added to labelSelector.
     *
     * Items: A label key.
     */
    matchLabelKeys?: string[];
  }[];
  /**
   * PriorityClass of the member pods.
   */
  priorityClassName?: string;
  /**
   * Freeze the cluster's children: while true the hook keeps every child exactly as it is (spec changes, switchovers, rollouts and resizes wait), and status still updates. Patroni keeps managing failover inside the cluster.
   */
  paused?: boolean;
  /**
   * Stop every member (the StatefulSet scales to zero) while keeping the volumes, the Secrets and the Services; setting it back to false starts the members on the same data.
   */
  stopped?: boolean;
  /**
   * Rotate a credential: raise its generation (0 when absent) by one. The new password is derived from the operator key, the cluster's UID and the generation; a Job sets it in PostgreSQL (as a SCRAM verifier), then writes it and every key derived from it (uri, jdbc-uri, ...) into the credential's Secret; the members (superuser, replication, monitoring) or the poolers (pooler) are then restarted one at a time. status.credentialRotation shows the progress. A generation never goes back.
   */
  credentialRotation?: {
    /**
     * Rotation generation of the application owner (`<cluster>-app`).
     */
    app?: number;
    /**
     * Rotation generation of the superuser `postgres` (`<cluster>-superuser`).
     */
    superuser?: number;
    /**
     * Rotation generation of the replication user `standby` (`<cluster>-replication`).
     */
    replication?: number;
    /**
     * Rotation generation of the pooler's lookup role (`<cluster>-pooler`).
     */
    pooler?: number;
    /**
     * Rotation generation of the monitoring role (`<cluster>-monitoring`).
     */
    monitoring?: number;
  };
  /**
   * How the primary's pod is replaced when its template changes (image, resources, local parameters), after every replica was updated: `switchover` (the default) first hands the primary role to an updated replica through Patroni, `restart` deletes the primary's pod and lets Patroni fail over.
   */
  primaryUpdateMethod?: 'switchover' | 'restart';
  /**
   * When a change of pgmeta's default images (a new pgmeta release, or the install's images file) may restart this cluster's members. A new cluster always starts on the current images, and `image` set by hand is always followed; this only decides when a running cluster moves to new default images, so that an upgrade of pgmeta never restarts every cluster at once. status.imageUpdate shows an update that waits.
   */
  maintenance?: {
    /**
     * Manual (the default): keep the running images until the cluster is annotated pgmeta.io/approve-images=<status.imageUpdate.token>. Automatic: follow the new images at once. Window: follow them when a sync happens inside `window`; a rollout that started in the window finishes after it.
     */
    imageUpdates?: 'Manual' | 'Automatic' | 'Window';
    /**
     * The weekly maintenance window, in UTC (needed with imageUpdates Window).
     */
    window?: {
      /**
       * Days the window opens; all days when absent.
       *
       * @maxItems 7
       *
       * Items: A day of the week, in English, three letters.
       */
      days?: ('Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun')[];
      /**
       * Opening time, HH:MM in UTC.
       */
      start: string;
      /**
       * How long the window stays open.
       */
      durationMinutes?: number;
    };
  };
  /**
   * Request a switchover through Patroni: to `target`, or to the healthiest replica when it is absent. It runs once per request and primary; status.switchover shows the result. Remove the field (then set it again) to request another one.
   */
  switchover?: {
    /**
     * Member (pod name) that becomes the primary, e.g. mycluster-1.
     */
    target?: string;
  };
  /**
   * Continuous WAL archiving and scheduled base backups with WAL-G (Spilo's own backup), to <bucket>/<path>/<cluster UID>/wal/<major>. Secrets are read by key (documented on each field); while a named Secret or key is missing, status.conditions[BackupConfigured] says so and the StatefulSet keeps the backup configuration it had. On-demand backups are PostgresBackup objects.
   */
  backup?: {
    /**
     * Where backups and WAL go; exactly one of s3, gcs or azure.
     */
    destination: {
      /**
       * Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, Cloudflare R2...).
       */
      s3?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Region of the bucket, e.g. eu-central-1 (AWS_REGION).
         */
        region?: string;
        /**
         * URL of an S3-compatible service, scheme://host[:port] without a path, e.g. http://minio.minio.svc:9000 (AWS_ENDPOINT). Absent means AWS S3. The host is a DNS name, an IPv4 address or a bracketed IPv6 address: the value is written into environment variables and Spilo's envdir files that shell scripts and WAL-G read, so line breaks, blanks, quotes, $( ) and backticks are refused outright rather than trusted to be quoted everywhere.
         */
        endpoint?: string;
        /**
         * Path-style requests (https://host/bucket/key) instead of virtual-hosted ones (https://bucket.host/key). Defaults to true with an endpoint, false without.
         */
        forcePathStyle?: boolean;
        /**
         * Credentials without static keys, instead of credentialsSecret: InstanceProfile lets WAL-G take the AWS SDK's default credentials, the instance profile of the node the member runs on (EC2 instance metadata, which the pods must be able to reach). IAM roles for service accounts (web identity) do not work with the pinned Spilo and WAL-G; docs/backup.md "Credentials without static keys".
         */
        identity?: {
          /**
           * Where WAL-G's credentials come from.
           */
          source: 'InstanceProfile';
        };
        /**
         * Secret with the access key: keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY unless named otherwise below.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the access key ID in the Secret.
           */
          accessKeyIdKey?: string;
          /**
           * Key of the secret access key in the Secret.
           */
          secretAccessKeyKey?: string;
        };
      };
      /**
       * Google Cloud Storage.
       */
      gcs?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Credentials without a key file, instead of credentialsSecret: GKE Workload Identity. pgmeta annotates the members' ServiceAccount with iam.gke.io/gcp-service-account, and WAL-G takes Google's application default credentials from the GKE metadata server. The Google service account must grant roles/iam.workloadIdentityUser to the member ServiceAccount <name>-patroni.
         */
        identity?: {
          /**
           * The Google service account's email, e.g. pg-backup@my-project.iam.gserviceaccount.com.
           */
          serviceAccount: string;
        };
        /**
         * Secret with a service account key file (JSON) under key credentials.json unless named otherwise; it is mounted into the pods for GOOGLE_APPLICATION_CREDENTIALS.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the service account key file in the Secret.
           */
          key?: string;
        };
      };
      /**
       * Azure Blob Storage.
       */
      azure?: {
        /**
         * Blob container name.
         */
        container: string;
        /**
         * Storage account name (AZURE_STORAGE_ACCOUNT).
         */
        storageAccount: string;
        /**
         * Credentials without a key, instead of credentialsSecret: ManagedIdentity lets WAL-G take Azure's default credential chain, i.e. the managed identity the node offers through the instance metadata service (a system-assigned identity, or the only user-assigned one). Azure Workload Identity does not work with the pinned WAL-G; docs/backup.md "Credentials without static keys".
         */
        identity?: {
          /**
           * Where WAL-G's credentials come from.
           */
          source: 'ManagedIdentity';
        };
        /**
         * Secret with the storage account access key under key AZURE_STORAGE_ACCESS_KEY unless named otherwise.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the storage account access key in the Secret.
           */
          key?: string;
        };
      };
    };
    /**
     * Folder inside the bucket, without leading or trailing slash; default <namespace>/<name>. The cluster's UID is always appended, so a cluster created again under the same name never writes into the previous one's archive. status.backup.path shows the result.
     */
    path?: string;
    /**
     * When base backups run (cron, the pod's clock, UTC): five fields or a macro such as @daily.
     */
    schedule?: string;
    /**
     * Which base backups (and the WAL they need) are kept.
     */
    retention?: {
      /**
       * Keep at least this many base backups and, as Spilo does, at least this many days of them (BACKUP_NUM_TO_RETAIN; Spilo's minimum is 2).
       */
      count?: number;
    };
    /**
     * WAL-G compression of base backups and WAL (WALG_COMPRESSION_METHOD).
     */
    compression?: 'lz4' | 'lzma' | 'zstd' | 'brotli';
    /**
     * Take scheduled base backups on replicas instead of the primary (needs replicas >= 2). Spilo runs the schedule on every member, so each replica then takes one.
     */
    backupFromReplica?: boolean;
    /**
     * Client-side encryption of everything WAL-G uploads. Method libsodium reads a 32-byte key, base64-encoded (e.g. openssl rand -base64 32); pgp reads an ASCII-armored private key and, when keySecret.passphraseKey is set, its passphrase.
     */
    encryption?: {
      /**
       * libsodium (WALG_LIBSODIUM_KEY) or pgp (the key mounted as a file for WALG_PGP_KEY_PATH).
       */
      method: 'libsodium' | 'pgp';
      /**
       * Secret with the key, under key `key` unless named otherwise.
       */
      keySecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
        /**
         * Key of the encryption key in the Secret.
         */
        key?: string;
        /**
         * pgp only: key of the passphrase in the Secret, if the private key has one. One line: WAL-G gets it through Spilo's envdir, which keeps only the first line.
         */
        passphraseKey?: string;
      };
    };
    /**
     * Parallel uploads (WALG_UPLOAD_CONCURRENCY); Spilo's default is min(CPUs, 10).
     */
    uploadConcurrency?: number;
    /**
     * Parallel downloads when a replica restores from the archive (WALG_DOWNLOAD_CONCURRENCY).
     */
    downloadConcurrency?: number;
  };
  /**
   * Create this cluster from another cluster's WAL-G archive (point-in-time recovery), at bootstrap only: it cannot be added, changed or removed later. A source of an older major (source.version) is restored with that major's binaries and then upgraded to version with pg_upgrade: this is how a cluster moves to a new major (docs/day2.md "Major version upgrade"). The cluster archives into its own, different path (spec.backup).
   */
  restore?: {
    /**
     * The archive to restore from: one store (as in backup.destination) and either its path (the source's status.backup.path) or the source cluster's name and UID (for a source with the default backup.path).
     */
    source: {
      /**
       * Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, Cloudflare R2...).
       */
      s3?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Region of the bucket, e.g. eu-central-1 (AWS_REGION).
         */
        region?: string;
        /**
         * URL of an S3-compatible service, scheme://host[:port] without a path, e.g. http://minio.minio.svc:9000 (AWS_ENDPOINT). Absent means AWS S3. The host is a DNS name, an IPv4 address or a bracketed IPv6 address: the value is written into environment variables and Spilo's envdir files that shell scripts and WAL-G read, so line breaks, blanks, quotes, $( ) and backticks are refused outright rather than trusted to be quoted everywhere.
         */
        endpoint?: string;
        /**
         * Path-style requests (https://host/bucket/key) instead of virtual-hosted ones (https://bucket.host/key). Defaults to true with an endpoint, false without.
         */
        forcePathStyle?: boolean;
        /**
         * Credentials without static keys, instead of credentialsSecret: InstanceProfile lets WAL-G take the AWS SDK's default credentials, the instance profile of the node the member runs on (EC2 instance metadata, which the pods must be able to reach). IAM roles for service accounts (web identity) do not work with the pinned Spilo and WAL-G; docs/backup.md "Credentials without static keys".
         */
        identity?: {
          /**
           * Where WAL-G's credentials come from.
           */
          source: 'InstanceProfile';
        };
        /**
         * Secret with the access key: keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY unless named otherwise below.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the access key ID in the Secret.
           */
          accessKeyIdKey?: string;
          /**
           * Key of the secret access key in the Secret.
           */
          secretAccessKeyKey?: string;
        };
      };
      /**
       * Google Cloud Storage.
       */
      gcs?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Credentials without a key file, instead of credentialsSecret: GKE Workload Identity. pgmeta annotates the members' ServiceAccount with iam.gke.io/gcp-service-account, and WAL-G takes Google's application default credentials from the GKE metadata server. The Google service account must grant roles/iam.workloadIdentityUser to the member ServiceAccount <name>-patroni.
         */
        identity?: {
          /**
           * The Google service account's email, e.g. pg-backup@my-project.iam.gserviceaccount.com.
           */
          serviceAccount: string;
        };
        /**
         * Secret with a service account key file (JSON) under key credentials.json unless named otherwise; it is mounted into the pods for GOOGLE_APPLICATION_CREDENTIALS.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the service account key file in the Secret.
           */
          key?: string;
        };
      };
      /**
       * Azure Blob Storage.
       */
      azure?: {
        /**
         * Blob container name.
         */
        container: string;
        /**
         * Storage account name (AZURE_STORAGE_ACCOUNT).
         */
        storageAccount: string;
        /**
         * Credentials without a key, instead of credentialsSecret: ManagedIdentity lets WAL-G take Azure's default credential chain, i.e. the managed identity the node offers through the instance metadata service (a system-assigned identity, or the only user-assigned one). Azure Workload Identity does not work with the pinned WAL-G; docs/backup.md "Credentials without static keys".
         */
        identity?: {
          /**
           * Where WAL-G's credentials come from.
           */
          source: 'ManagedIdentity';
        };
        /**
         * Secret with the storage account access key under key AZURE_STORAGE_ACCESS_KEY unless named otherwise.
         */
        credentialsSecret?: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the storage account access key in the Secret.
           */
          key?: string;
        };
      };
      /**
       * The source's archive path inside the bucket, e.g. shop/orders/<uid> (without /wal/<major>).
       */
      path?: string;
      /**
       * The source's PostgreSQL major version (its status.currentVersion); default version. The restore reads <path>/wal/<this>. When it is older than version, Spilo recovers the backup with this major's binaries and upgrades it with pg_upgrade before the cluster starts; the image must carry both majors (the default spilo-17 image carries 13 to 17).
       */
      version?: '13' | '14' | '15' | '16' | '17' | '18';
      /**
       * The source cluster; its archive path is <namespace>/<name>/<uid>.
       */
      cluster?: {
        /**
         * Name of the source PostgresCluster.
         */
        name: string;
        /**
         * metadata.uid of the source PostgresCluster (it may be deleted since).
         */
        uid: string;
        /**
         * Namespace of the source; default this cluster's.
         */
        namespace?: string;
      };
    };
    /**
     * How far to recover; exactly one of time or latest.
     */
    target: {
      /**
       * Recover up to this moment, an RFC 3339 time with a zone (2026-11-21T09:30:00Z or 2026-11-21T10:30:00+01:00), from the newest base backup taken before it.
       */
      time?: string;
      /**
       * Recover everything the archive holds (the latest backup and all WAL after it).
       */
      latest?: boolean;
    };
    /**
     * The key the source archive was encrypted with. Method libsodium reads a 32-byte key, base64-encoded (e.g. openssl rand -base64 32); pgp reads an ASCII-armored private key and, when keySecret.passphraseKey is set, its passphrase.
     */
    encryption?: {
      /**
       * libsodium (WALG_LIBSODIUM_KEY) or pgp (the key mounted as a file for WALG_PGP_KEY_PATH).
       */
      method: 'libsodium' | 'pgp';
      /**
       * Secret with the key, under key `key` unless named otherwise.
       */
      keySecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
        /**
         * Key of the encryption key in the Secret.
         */
        key?: string;
        /**
         * pgp only: key of the passphrase in the Secret, if the private key has one. One line: WAL-G gets it through Spilo's envdir, which keeps only the first line.
         */
        passphraseKey?: string;
      };
    };
  };
  /**
   * Run this cluster as a standby of another one (disaster recovery): its leader replays the source's WAL, streamed from the source's primary (host, port), fetched from the source's WAL-G archive (archive), or both; its other members cascade from its leader. It accepts no writes. Removing standby promotes it (the failover to the DR site, docs/backup.md "Standby clusters and disaster recovery"). Not with restore. The credential Secrets must hold the source's passwords: the data, and so its roles, is a copy of the source's.
   */
  standby?: {
    /**
     * Host name or IP address of the source's primary (e.g. its primary Service or a load balancer in front of it); the leader streams from it as the replication user.
     */
    host?: string;
    /**
     * PostgreSQL port on host.
     */
    port?: number;
    /**
     * Follow the source through its WAL-G archive: one store (as in backup.destination) and either the source archive path (its status.backup.path) or its name and UID. The archive is only read (Spilo's restore_command); this cluster's own spec.backup must point elsewhere.
     */
    archive?: {
      /**
       * Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, Cloudflare R2...).
       */
      s3?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Region of the bucket, e.g. eu-central-1 (AWS_REGION).
         */
        region?: string;
        /**
         * URL of an S3-compatible service, scheme://host[:port] without a path, e.g. http://minio.minio.svc:9000 (AWS_ENDPOINT). Absent means AWS S3. The host is a DNS name, an IPv4 address or a bracketed IPv6 address: the value is written into environment variables and Spilo's envdir files that shell scripts and WAL-G read, so line breaks, blanks, quotes, $( ) and backticks are refused outright rather than trusted to be quoted everywhere.
         */
        endpoint?: string;
        /**
         * Path-style requests (https://host/bucket/key) instead of virtual-hosted ones (https://bucket.host/key). Defaults to true with an endpoint, false without.
         */
        forcePathStyle?: boolean;
        /**
         * Secret with the access key: keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY unless named otherwise below.
         */
        credentialsSecret: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the access key ID in the Secret.
           */
          accessKeyIdKey?: string;
          /**
           * Key of the secret access key in the Secret.
           */
          secretAccessKeyKey?: string;
        };
      };
      /**
       * Google Cloud Storage.
       */
      gcs?: {
        /**
         * Bucket name.
         */
        bucket: string;
        /**
         * Secret with a service account key file (JSON) under key credentials.json unless named otherwise; it is mounted into the pods for GOOGLE_APPLICATION_CREDENTIALS.
         */
        credentialsSecret: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the service account key file in the Secret.
           */
          key?: string;
        };
      };
      /**
       * Azure Blob Storage.
       */
      azure?: {
        /**
         * Blob container name.
         */
        container: string;
        /**
         * Storage account name (AZURE_STORAGE_ACCOUNT).
         */
        storageAccount: string;
        /**
         * Secret with the storage account access key under key AZURE_STORAGE_ACCESS_KEY unless named otherwise.
         */
        credentialsSecret: {
          /**
           * Name of a Secret in the cluster's namespace.
           */
          name: string;
          /**
           * Key of the storage account access key in the Secret.
           */
          key?: string;
        };
      };
      /**
       * The source's archive path inside the bucket, e.g. shop/orders/<uid> (without /wal/<major>).
       */
      path?: string;
      /**
       * The source cluster; its archive path is <namespace>/<name>/<uid>.
       */
      cluster?: {
        /**
         * Name of the source PostgresCluster.
         */
        name: string;
        /**
         * metadata.uid of the source PostgresCluster (it may be deleted since).
         */
        uid: string;
        /**
         * Namespace of the source; default this cluster's.
         */
        namespace?: string;
      };
    };
    /**
     * The key the source archive is encrypted with. Method libsodium reads a 32-byte key, base64-encoded (e.g. openssl rand -base64 32); pgp reads an ASCII-armored private key and, when keySecret.passphraseKey is set, its passphrase.
     */
    encryption?: {
      /**
       * libsodium (WALG_LIBSODIUM_KEY) or pgp (the key mounted as a file for WALG_PGP_KEY_PATH).
       */
      method: 'libsodium' | 'pgp';
      /**
       * Secret with the key, under key `key` unless named otherwise.
       */
      keySecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
        /**
         * Key of the encryption key in the Secret.
         */
        key?: string;
        /**
         * pgp only: key of the passphrase in the Secret, if the private key has one. One line: WAL-G gets it through Spilo's envdir, which keeps only the first line.
         */
        passphraseKey?: string;
      };
    };
    /**
     * Secrets in this namespace holding the source's passwords under key password (copies of the source's <name>-superuser, -replication and -app Secrets do). They seed this cluster's own credential Secrets when those are first created; the cluster is not created before they exist.
     */
    credentials: {
      /**
       * Secret with the password of the superuser (postgres).
       */
      superuserSecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
      };
      /**
       * Secret with the password of the replication user (standby); the leader streams with it.
       */
      replicationSecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
      };
      /**
       * Secret with the password of the application owner.
       */
      appSecret: {
        /**
         * Name of a Secret in the cluster's namespace.
         */
        name: string;
      };
    };
  };
}
