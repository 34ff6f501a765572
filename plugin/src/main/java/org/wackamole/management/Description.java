package org.wackamole.management;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an attribute, operation or operation parameter of {@link WackamoleMXBean} means; shown by
 * JMX consoles. On a parameter, {@link #name()} is its name (MXBeans otherwise say {@code p0}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER})
public @interface Description {
    String value();

    /** For parameters only: the name shown instead of {@code p0}. */
    String name() default "";
}
