package dev.alerthub.kube;

import java.util.regex.Pattern;

/**
 * Kubernetes' own naming rules, checked before a label value goes anywhere near an API call (a
 * value like {@code ../../nodes} or {@code a?b} must never become part of a request path).
 * Namespaces are DNS-1123 labels; Deployment names are DNS-1123 subdomains.
 */
public final class KubernetesNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesNames() {
    }

    /** DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending alphanumeric. */
    public static boolean isNamespace(String s) {
        return s != null && s.length() <= 63 && LABEL.matcher(s).matches();
    }

    /** DNS-1123 subdomain: at most 253 characters of dot-separated DNS-1123 labels. */
    public static boolean isDeploymentName(String s) {
        return s != null && s.length() <= 253 && SUBDOMAIN.matcher(s).matches();
    }

    /** A label value quoted for a message: cut and stripped of control characters. */
    public static String quote(String s) {
        if (s == null) {
            return "(missing)";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 80 ? clean.substring(0, 80) + "…" : clean) + "'";
    }
}
