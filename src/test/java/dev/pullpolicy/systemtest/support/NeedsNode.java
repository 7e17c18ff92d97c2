package dev.pullpolicy.systemtest.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a {@link SystemTest} class whose Pods must really run: the real node of {@code
 * src/test/cluster/node} (kubelet, containerd, a private registry, kube-scheduler) joins the local
 * control plane once per test run and leaves at its end. Test methods, constructors and lifecycle
 * methods may take a {@link TestNode} parameter.
 *
 * <p>When the machine cannot run a node (not root, no runc, ...), the class is skipped with the
 * reason in one line; with {@code CI=true} that fails instead. A node that fails to start always
 * fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NodeExtension.class)
@Tag("node")
public @interface NeedsNode {}
