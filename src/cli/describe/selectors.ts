// Label selectors as kubectl's describers print them.
import { formatLabelSelector, labelSelectorFromObject, labelSelectorFromSet, type LabelSelectorObject } from '../../apimachinery/labels.ts';

/** LabelSelectorAsSelector(s).String(): `app=web,tier in (a,b)`; empty for none; the error's text for an invalid one. */
export function selectorString(selector: LabelSelectorObject | null | undefined): string {
  try {
    return formatLabelSelector(labelSelectorFromObject(selector));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** metav1.FormatLabelSelector: as selectorString, `<none>` when it selects nothing. */
export const formatSelector = (selector: LabelSelectorObject | null | undefined): string => selectorString(selector) || '<none>';

/** A set-based selector (a Service's, a ReplicationController's) as a query: `app=web,tier=db`. */
export const setSelectorString = (set: Readonly<Record<string, string>> | null | undefined): string => formatLabelSelector(labelSelectorFromSet(set));
