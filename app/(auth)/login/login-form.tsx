"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { Alert, AlertDescription } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/app/_components/ui/card";
import {
  Form,
  FormControl,
  FormField,
  FormItem,
  FormLabel,
  FormMessage,
} from "@/app/_components/ui/form";
import { Input } from "@/app/_components/ui/input";
import { useHydrated } from "@/app/_lib/use-hydrated";
import { safeRedirectPath } from "@/server/http/safe-redirect";
import {
  SIGN_IN_THROTTLED,
  SIGN_UP_SIGN_IN_FAILED,
  signInInput,
  type SignInInput,
} from "@/server/users/schemas";

/** Which auth.login message a sign-in error code (from the URL or signIn's result) shows. */
function messageKeyFor(error: string | null): "throttled" | "signUpSignInFailed" | "failed" | null {
  if (!error) return null;
  if (error === SIGN_IN_THROTTLED) return "throttled";
  return error === SIGN_UP_SIGN_IN_FAILED ? "signUpSignInFailed" : "failed";
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const t = useTranslations("auth");
  const [errorKey, setErrorKey] = useState<
    "throttled" | "signUpSignInFailed" | "failed" | "wrongCredentials" | null
  >(messageKeyFor(params.get("error")));
  const hydrated = useHydrated();
  const form = useForm<SignInInput>({
    resolver: zodResolver(signInInput),
    defaultValues: { email: "", password: "" },
  });

  async function onSubmit(values: SignInInput) {
    setErrorKey(null);
    const result = await signIn("credentials", { ...values, redirect: false });
    if (!result || result.error) {
      setErrorKey(result?.error === SIGN_IN_THROTTLED ? "throttled" : "wrongCredentials");
      return;
    }
    router.push(safeRedirectPath(params.get("from")));
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">{t("login.title")}</CardTitle>
        <CardDescription>{t("login.description")}</CardDescription>
      </CardHeader>
      <Form {...form}>
        {/* method="post": a submit before the script has loaded must not put the password in the URL */}
        <form method="post" onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <CardContent className="grid gap-4">
            {errorKey ? (
              <Alert variant="destructive" role="alert">
                <AlertDescription>{t(`login.${errorKey}`)}</AlertDescription>
              </Alert>
            ) : null}
            <FormField
              control={form.control}
              name="email"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>{t("login.email")}</FormLabel>
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
                  <FormLabel>{t("login.password")}</FormLabel>
                  <FormControl>
                    <Input type="password" autoComplete="current-password" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
          </CardContent>
          <CardFooter className="mt-6 flex flex-col gap-3">
            <Button
              type="submit"
              className="w-full"
              disabled={!hydrated || form.formState.isSubmitting}
            >
              {form.formState.isSubmitting ? t("login.submitting") : t("login.submit")}
            </Button>
            <p className="text-sm text-muted-foreground">
              {t("login.noAccount")}{" "}
              <Link
                className="font-medium text-primary underline-offset-4 hover:underline"
                href="/signup"
              >
                {t("login.createOne")}
              </Link>
            </p>
          </CardFooter>
        </form>
      </Form>
    </Card>
  );
}
