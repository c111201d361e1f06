// cdk-nag: how it writes a value in a finding's id, for the acknowledgements that name one.

/**
 * How cdk-nag writes a value in a finding id: literals as they are, `Ref` and `Fn::GetAtt` in
 * `<>`, `Fn::Join` with an empty delimiter as its parts written one after another.
 */
export function nagRendering(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const ref = (resolved as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const getAtt = (resolved as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) return `<${getAtt[0]}.${getAtt[1]}>`;
    const join = (resolved as { 'Fn::Join'?: unknown })['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
      const parts = join[1].map(nagRendering);
      return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
    }
  }
  return undefined;
}
