import { AuthForm } from '../../components/auth-form';
import { AUTH_FAILURES, type AuthFailure } from '../../lib/auth-handoff';

export default async function SignupPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; step?: string }>;
}) {
  const { error, step } = await searchParams;
  const failure = AUTH_FAILURES.includes(error as AuthFailure) ? (error as AuthFailure) : undefined;
  return <AuthForm mode="signup" failure={failure} codeStep={step === 'code'} />;
}
