/**
 * After bootstrap, the `bootstrap` section of SPILO_CONFIGURATION is dead text: Spilo passes it to
 * Patroni, which reads it only when it initialises a new cluster. Changing it would still change the
 * pod template and, with it, replace every member's pod for nothing (DCS changes go through the
 * parameter Job, params.ts). So once Patroni reports the cluster initialised, the desired
 * StatefulSet keeps the observed template's `bootstrap` section; everything else follows the spec.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { sortedJson } from '../spilo/configuration.js';

const VARIABLE = 'SPILO_CONFIGURATION';

interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  env?: EnvVar[];
}
interface StatefulSetShape {
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

function variable(sts: KubeObject | undefined): string | undefined {
  const containers = (sts as (KubeObject & StatefulSetShape) | undefined)?.spec?.template?.spec?.containers;
  return containers?.flatMap((c) => c.env ?? []).find((v) => v.name === VARIABLE)?.value;
}

function configuration(sts: KubeObject | undefined): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(variable(sts) ?? '');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function withVariable(sts: KubeObject, value: string): KubeObject {
  const s = sts as KubeObject & StatefulSetShape;
  const template = s.spec?.template ?? {};
  const containers = (template.spec?.containers ?? []).map((c) => ({
    ...c,
    ...(c.env ? { env: c.env.map((v) => (v.name === VARIABLE ? { ...v, value } : v)) } : {}),
  }));
  return {
    ...sts,
    spec: { ...s.spec, template: { ...template, spec: { ...template.spec, containers } } },
  };
}

/** The desired StatefulSet with the observed `bootstrap` section, once the cluster is initialised. */
export function keepBootstrapSection(
  desired: KubeObject,
  o: { observed: KubeObject | undefined; initialized: boolean },
): KubeObject {
  if (!o.initialized) return desired;
  const want = configuration(desired);
  const have = configuration(o.observed);
  if (!want || have?.['bootstrap'] === undefined) return desired;
  const value = sortedJson({ ...want, bootstrap: have['bootstrap'] });
  return value === sortedJson(want) ? desired : withVariable(desired, value);
}
