import { cookies } from 'next/headers';
import { AuthForm } from '../../components/auth-form';
import { AUTH_FAILURES, type AuthFailure, TYPED_EMAIL_COOKIE, typedEmail } from '../../lib/auth-handoff';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const failure = AUTH_FAILURES.includes(error as AuthFailure) ? (error as AuthFailure) : undefined;
  const email = failure ? typedEmail((await cookies()).get(TYPED_EMAIL_COOKIE)?.value) : undefined;
  return <AuthForm mode="login" failure={failure} email={email} />;
}
