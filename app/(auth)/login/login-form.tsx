"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { Alert, AlertDescription } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/app/_components/ui/card";
import { Form, FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { safeRedirectPath } from "@/server/http/safe-redirect";
import { SIGN_IN_THROTTLED, SIGN_UP_SIGN_IN_FAILED, signInInput, type SignInInput } from "@/server/users/schemas";

const SIGN_UP_MESSAGE = "We could not sign you in with these details. If you already had an account with this email, sign in with its password.";
const THROTTLED_MESSAGE = "Too many sign-in attempts for this account or from your network. Wait a few minutes, then try again.";

function messageFor(error: string | null): string | null {
  if (!error) return null;
  if (error === SIGN_IN_THROTTLED) return THROTTLED_MESSAGE;
  return error === SIGN_UP_SIGN_IN_FAILED ? SIGN_UP_MESSAGE : "Sign-in failed. Try again.";
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(messageFor(params.get("error")));
  const hydrated = useHydrated();
  const form = useForm<SignInInput>({ resolver: zodResolver(signInInput), defaultValues: { email: "", password: "" } });

  async function onSubmit(values: SignInInput) {
    setError(null);
    const result = await signIn("credentials", { ...values, redirect: false });
    if (!result || result.error) {
      setError(result?.error === SIGN_IN_THROTTLED ? THROTTLED_MESSAGE : "Wrong email or password.");
      return;
    }
    router.push(safeRedirectPath(params.get("from")));
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">Sign in</CardTitle>
        <CardDescription>Welcome back. Sign in to your console.</CardDescription>
      </CardHeader>
      <Form {...form}>
        {/* method="post": a submit before the script has loaded must not put the password in the URL */}
        <form method="post" onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <CardContent className="grid gap-4">
            {error ? (
              <Alert variant="destructive" role="alert">
                <AlertDescription>{error}</AlertDescription>
              </Alert>
            ) : null}
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Email</FormLabel>
                  <FormControl>
                    <Input type="email" autoComplete="email" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="password"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Password</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="current-password" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-6 flex flex-col gap-3">
            <Button type="submit" className="w-full" disabled={!hydrated || form.formState.isSubmitting}>
              {form.formState.isSubmitting ? "Signing in…" : "Sign in"}
            </Button>
            <p className="text-sm text-muted-foreground">
              No account yet?{" "}
              <Link className="font-medium text-primary underline-offset-4 hover:underline" href="/signup">
                Create one
              </Link>
            </p>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
