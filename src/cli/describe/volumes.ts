// A pod's `Volumes:` section (describeVolumes) and the volume sources a PersistentVolume
// shares with pods, each as kubectl prints it: `Type:` with kubectl's explanation, then
// the source's fields. Sources kubeql's simulated nodes never see print `<unknown>`.
import type { CSIVolumeSource, HostPathVolumeSource, LocalVolumeSource, NFSVolumeSource, Volume } from 'kubernetes-types/core/v1.js';
import { isRecord } from '../../apimachinery/json.ts';
import { printPersistentVolumeClaim } from './claim.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, nestedPrefixWriter, type PrefixWriter } from './prefix-writer.ts';
import { quantityString } from './resources.ts';

/** Go's %v of an unset field: the zero value. */
const v = (x: unknown): string => (x === undefined || x === null ? '' : String(x));
const bool = (x: unknown): string => String(x === true);

export function printHostPath(h: HostPathVolumeSource, w: PrefixWriter): void {
  w.write(LEVEL_2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v(h.path)}\n    HostPathType:\t${h.type ?? '<none>'}\n`);
}

export function printNFS(nfs: NFSVolumeSource, w: PrefixWriter): void {
  w.write(
    LEVEL_2,
    `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${v(nfs.server)}\n    Path:\t${v(nfs.path)}\n    ReadOnly:\t${bool(nfs.readOnly)}\n`,
  );
}

export function printLocal(l: LocalVolumeSource, w: PrefixWriter): void {
  w.write(LEVEL_2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${v(l.path)}\n`);
}

/** printCSIPersistentVolumeAttributesMultiline. */
export function printVolumeAttributes(w: PrefixWriter, attributes: Readonly<Record<string, string>> | undefined): void {
  w.write(LEVEL_2, 'VolumeAttributes:\t');
  const keys = Object.keys(attributes ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_2, '\t');
    const line = `${key}=${attributes![key]}`;
    w.write(LEVEL_2, line.length > 140 ? `${line.slice(0, 140)}...\n` : `${line}\n`);
  });
}

function printCSI(csi: CSIVolumeSource, w: PrefixWriter): void {
  w.write(
    LEVEL_2,
    `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${v(csi.driver)}\n    FSType:\t${v(csi.fsType)}\n    ReadOnly:\t${bool(csi.readOnly)}\n`,
  );
  printVolumeAttributes(w, csi.volumeAttributes);
}

function printVolumeSource(volume: Volume, w: PrefixWriter): void {
  if (volume.hostPath) return printHostPath(volume.hostPath, w);
  if (volume.emptyDir) {
    const size = volume.emptyDir.sizeLimit;
    const sizeLimit = size !== undefined && quantityString(size) !== '0' ? quantityString(size) : '<unset>';
    return w.write(
      LEVEL_2,
      `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v(volume.emptyDir.medium)}\n    SizeLimit:\t${sizeLimit}\n`,
    );
  }
  if (volume.secret) {
    return w.write(
      LEVEL_2,
      `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v(volume.secret.secretName)}\n    Optional:\t${bool(volume.secret.optional)}\n`,
    );
  }
  if (volume.configMap) {
    return w.write(
      LEVEL_2,
      `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v(volume.configMap.name)}\n    Optional:\t${bool(volume.configMap.optional)}\n`,
    );
  }
  if (volume.nfs) return printNFS(volume.nfs, w);
  if (volume.persistentVolumeClaim) {
    return w.write(
      LEVEL_2,
      `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v(volume.persistentVolumeClaim.claimName)}\n    ReadOnly:\t${bool(volume.persistentVolumeClaim.readOnly)}\n`,
    );
  }
  if (volume.ephemeral) {
    w.write(LEVEL_2, 'Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n');
    const template = volume.ephemeral.volumeClaimTemplate;
    if (template) printPersistentVolumeClaim(nestedPrefixWriter(w, LEVEL_2), { metadata: template.metadata, spec: template.spec }, false, new Date());
    return;
  }
  if (volume.downwardAPI) {
    w.write(LEVEL_2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
    for (const item of volume.downwardAPI.items ?? []) {
      if (item.fieldRef) w.write(LEVEL_3, `${item.fieldRef.fieldPath} -> ${item.path}\n`);
      if (item.resourceFieldRef) w.write(LEVEL_3, `${item.resourceFieldRef.resource} -> ${item.path}\n`);
    }
    return;
  }
  if (volume.projected) {
    w.write(LEVEL_2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
    for (const source of volume.projected.sources ?? []) {
      if (source.secret) w.write(LEVEL_2, `SecretName:\t${v(source.secret.name)}\n    Optional:\t${bool(source.secret.optional)}\n`);
      else if (source.downwardAPI) w.write(LEVEL_2, 'DownwardAPI:\ttrue\n');
      else if (source.configMap) w.write(LEVEL_2, `ConfigMapName:\t${v(source.configMap.name)}\n    Optional:\t${bool(source.configMap.optional)}\n`);
      else if (source.serviceAccountToken) w.write(LEVEL_2, `TokenExpirationSeconds:\t${source.serviceAccountToken.expirationSeconds ?? 0}\n`);
    }
    return;
  }
  if (volume.csi) return printCSI(volume.csi, w);
  const image = (volume as unknown as Record<string, unknown>).image;
  if (isRecord(image)) {
    return w.write(
      LEVEL_2,
      `Type:\tImage (a container image or OCI artifact)\n    Reference:\t${v(image.reference)}\n    PullPolicy:\t${v(image.pullPolicy)}\n`,
    );
  }
  w.write(LEVEL_1, '<unknown>\n');
}

/** describeVolumes; `space` is the indent of a pod template's (two spaces). */
export function describeVolumes(volumes: readonly Volume[] | undefined, w: PrefixWriter, space: string): void {
  if (!volumes?.length) {
    w.write(LEVEL_0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(LEVEL_0, `${space}Volumes:\n`);
  const nameIndent = space ? ' ' : '';
  for (const volume of volumes) {
    w.write(LEVEL_1, `${nameIndent}${volume.name}:\n`);
    printVolumeSource(volume, w);
  }
}
