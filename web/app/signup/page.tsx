import { cookies } from 'next/headers';
import { AuthForm } from '../../components/auth-form';
import { AUTH_FAILURES, type AuthFailure, TYPED_EMAIL_COOKIE, typedEmail } from '../../lib/auth-handoff';

export default async function SignupPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; step?: string }>;
}) {
  const { error, step } = await searchParams;
  const failure = AUTH_FAILURES.includes(error as AuthFailure) ? (error as AuthFailure) : undefined;
  const email = failure ? typedEmail((await cookies()).get(TYPED_EMAIL_COOKIE)?.value) : undefined;
  return <AuthForm mode="signup" failure={failure} codeStep={step === 'code'} email={email} />;
}
