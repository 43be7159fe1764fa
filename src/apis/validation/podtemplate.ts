// PodTemplates (core/v1): ValidatePodTemplate — a DNS-1123 subdomain name and a pod
// template validated as any pod template is (no restartPolicy constraint).

import type { KubeObject } from '../kinds.ts';
import type { Errs } from './field.ts';
import { validateObjectMeta } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';

export function validatePodTemplate(errs: Errs, obj: KubeObject): void {
  validateObjectMeta(errs, obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  validatePodTemplateSpec(errs, 'template', obj.template);
}
