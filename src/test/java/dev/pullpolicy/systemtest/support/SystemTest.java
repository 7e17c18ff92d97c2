package dev.pullpolicy.systemtest.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs against a real cluster. Test methods, constructors and lifecycle
 * methods may take {@link TestCluster} and {@link io.fabric8.kubernetes.client.KubernetesClient}
 * (admin) parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ClusterExtension.class)
@Tag("system")
public @interface SystemTest {}
