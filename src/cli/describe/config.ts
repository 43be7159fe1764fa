// kubectl's ConfigMapDescriber and SecretDescriber. A Secret's values are never printed,
// only their sizes (`password:  16 bytes`), but a service-account token's token is.
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import { type Describer, as } from './describer.ts';
import { eventsFor, printEvents } from './events.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './multiline.ts';
import { LEVEL_0, tabbedString } from './prefix-writer.ts';

const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SERVICE_ACCOUNT_TOKEN_KEY = 'token';

const sortedKeys = (m: Readonly<Record<string, string>> | undefined): string[] => Object.keys(m ?? {}).sort();
const decodedLength = (base64: string): number => Buffer.from(base64, 'base64').length;

export const describeConfigMap: Describer = async (ctx, object) => {
  const cm = as<ConfigMap>(object);
  const events = await eventsFor(ctx, object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of sortedKeys(cm.data)) {
      w.write(LEVEL_0, `${k}:\n----\n`);
      w.write(LEVEL_0, `${cm.data![k]}\n`);
      w.write(LEVEL_0, '\n');
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    for (const k of sortedKeys(cm.binaryData)) w.write(LEVEL_0, `${k}: ${decodedLength(cm.binaryData![k]!)} bytes\n`);
    w.write(LEVEL_0, '\n');
    printEvents(events, w, ctx.now);
  });
};

export const describeSecret: Describer = async (_ctx, object) => {
  const secret = as<Secret>(object);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${object.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${object.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', object.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', object.metadata.annotations);
    w.write(LEVEL_0, `\nType:\t${secret.type ?? ''}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of sortedKeys(secret.data)) {
      const value = secret.data![k]!;
      if (k === SERVICE_ACCOUNT_TOKEN_KEY && secret.type === SERVICE_ACCOUNT_TOKEN_TYPE)
        w.write(LEVEL_0, `${k}:\t${Buffer.from(value, 'base64').toString()}\n`);
      else w.write(LEVEL_0, `${k}:\t${decodedLength(value)} bytes\n`);
    }
  });
};
