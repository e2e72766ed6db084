/** Label value escaping of the text exposition format 0.0.4: backslash, double quote, newline. */
export const escapeLabelValue = (value: string) =>
  /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
