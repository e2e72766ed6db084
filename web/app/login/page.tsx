import { AuthForm } from '../../components/auth-form';
import { AUTH_FAILURES, type AuthFailure } from '../../lib/auth-handoff';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const failure = AUTH_FAILURES.includes(error as AuthFailure) ? (error as AuthFailure) : undefined;
  return <AuthForm mode="login" failure={failure} />;
}
