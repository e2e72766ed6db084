export declare const root: string;
export declare const ROLES: Record<
  string,
  { name: string; cwd: string; args: string[]; env: Record<string, string> }[]
>;
export declare function roleOrExit(): string;
