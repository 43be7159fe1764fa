// kubectl's PersistentVolumeClaimDescriber, PersistentVolumeDescriber and
// StorageClassDescriber.
import type { PersistentVolume, PersistentVolumeClaim, Pod, VolumeNodeAffinity } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { accessModesString, printPersistentVolumeClaim, statusLine, storageClassOf } from './claim.ts';
import { type DescribeContext, type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline, printNamesMultiline } from './multiline.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbedString, type PrefixWriter } from './prefix-writer.ts';
import { quantityString } from './resources.ts';
import { rfc1123z } from './time-format.ts';
import { printHostPath, printLocal, printNFS, printVolumeAttributes } from './volumes.ts';

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** getPodsForPVC: the pods in the namespace that mount the claim or own it. */
async function podsUsing(ctx: DescribeContext, pvc: PersistentVolumeClaim): Promise<string[]> {
  const pods = (await ctx.client.resource('Pod').listAll({ namespace: pvc.metadata?.namespace }, ctx.chunkSize)).items as Pod[];
  const users = new Set(pods.filter((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata?.name)));
  for (const owner of pvc.metadata?.ownerReferences ?? []) {
    const pod = owner.kind === 'Pod' ? pods.find((p) => p.metadata?.uid === owner.uid) : undefined;
    if (pod) users.add(pod);
  }
  return [...users].map((p) => p.metadata?.name ?? '');
}

export const describePersistentVolumeClaim: Describer = async (ctx, object) => {
  const pvc = as<PersistentVolumeClaim>(object);
  const [events, users] = await Promise.all([eventsFor(ctx, object), podsUsing(ctx, pvc)]);
  return tabbedString((w) => {
    printPersistentVolumeClaim(w, pvc, true, ctx.now);
    printNamesMultiline(w, 'Used By', users);
    if (pvc.status?.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of pvc.status.conditions) {
        w.write(
          LEVEL_1,
          `${c.type} \t${c.status} \t${rfc1123z(c.lastProbeTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
        );
      }
    }
    printEvents(events, w, ctx.now);
  });
};

function printVolumeNodeAffinity(w: PrefixWriter, affinity: VolumeNodeAffinity | undefined): void {
  w.write(LEVEL_0, 'Node Affinity:\t');
  if (!affinity?.required) {
    w.writeLine('<none>');
    return;
  }
  w.writeLine('');
  w.write(LEVEL_1, 'Required Terms:\t');
  const terms = affinity.required.nodeSelectorTerms ?? [];
  if (terms.length === 0) {
    w.writeLine('<none>');
    return;
  }
  w.writeLine('');
  terms.forEach((term, i) => {
    w.write(LEVEL_2, `Term ${i}:\t`);
    const reqs = term.matchExpressions ?? [];
    if (reqs.length === 0) w.writeLine('<none>');
    reqs.forEach((req, j) => {
      if (j !== 0) w.write(LEVEL_2, '\t');
      const values = req.values?.length ? ` [${req.values.join(', ')}]` : '';
      w.write(LEVEL_0, `${req.key} ${req.operator.toLowerCase()}${values}\n`);
    });
  });
}

export const describePersistentVolume: Describer = async (ctx, object) => {
  const pv = as<PersistentVolume>(object);
  const events = await eventsFor(ctx, object);
  const spec = pv.spec ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `Finalizers:\t[${(object.metadata.finalizers ?? []).join(' ')}]\n`);
    w.write(LEVEL_0, `StorageClass:\t${storageClassOf(pv.metadata, spec.storageClassName)}\n`);
    w.write(LEVEL_0, statusLine(pv.metadata, pv.status?.phase, ctx.now));
    w.write(LEVEL_0, `Claim:\t${spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''}\n`);
    w.write(LEVEL_0, `Reclaim Policy:\t${spec.persistentVolumeReclaimPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${accessModesString(spec.accessModes)}\n`);
    if (spec.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
    w.write(LEVEL_0, `Capacity:\t${quantityString(spec.capacity?.storage)}\n`);
    printVolumeNodeAffinity(w, spec.nodeAffinity);
    w.write(LEVEL_0, `Message:\t${pv.status?.message ?? ''}\n`);
    w.write(LEVEL_0, 'Source:\n');
    if (spec.hostPath) printHostPath(spec.hostPath, w);
    else if (spec.nfs) printNFS(spec.nfs, w);
    else if (spec.local) printLocal(spec.local, w);
    else if (spec.csi) {
      const csi = spec.csi;
      w.write(
        LEVEL_2,
        `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${csi.driver}\n    FSType:\t${csi.fsType ?? ''}\n    VolumeHandle:\t${csi.volumeHandle}\n    ReadOnly:\t${csi.readOnly === true}\n`,
      );
      printVolumeAttributes(w, csi.volumeAttributes);
    } else w.write(LEVEL_1, '<unknown>\n');
    printEvents(events, w, ctx.now);
  });
};

export const describeStorageClass: Describer = async (ctx, object) => {
  const sc = as<StorageClass>(object);
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    const annotations = object.metadata.annotations ?? {};
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `IsDefaultClass:\t${DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true') ? 'Yes' : 'No'}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(annotations)}\n`);
    w.write(LEVEL_0, `Provisioner:\t${sc.provisioner}\n`);
    w.write(LEVEL_0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
    const expansion = sc.allowVolumeExpansion;
    w.write(LEVEL_0, `AllowVolumeExpansion:\t${expansion === undefined || expansion === null ? '<unset>' : expansion ? 'True' : 'False'}\n`);
    if (!sc.mountOptions?.length) w.write(LEVEL_0, 'MountOptions:\t<none>\n');
    else {
      w.write(LEVEL_0, 'MountOptions:\n');
      for (const option of sc.mountOptions) w.write(LEVEL_1, `${option}\n`);
    }
    if (sc.reclaimPolicy) w.write(LEVEL_0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
    if (sc.volumeBindingMode) w.write(LEVEL_0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
    if (sc.allowedTopologies) {
      w.write(LEVEL_0, 'AllowedTopologies:\t');
      if (sc.allowedTopologies.length === 0) w.writeLine('<none>');
      else {
        w.writeLine('');
        sc.allowedTopologies.forEach((term, i) => {
          w.write(LEVEL_1, `Term ${i}:\t`);
          const reqs = term.matchLabelExpressions ?? [];
          if (reqs.length === 0) w.writeLine('<none>');
          reqs.forEach((req, j) => {
            if (j !== 0) w.write(LEVEL_1, '\t');
            w.write(LEVEL_0, `${req.key} in${req.values.length ? ` [${req.values.join(', ')}]` : ''}\n`);
          });
        });
      }
    }
    printEvents(events, w, ctx.now);
  });
};
