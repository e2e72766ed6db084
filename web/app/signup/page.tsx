import { AuthForm } from '../../components/auth-form';

export default function SignupPage() {
  return <AuthForm mode="signup" />;
}
