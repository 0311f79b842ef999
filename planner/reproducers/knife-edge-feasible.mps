* Knife-edge feasible MIP with a known optimum (planner doctor; see README.md).
* 9 services and 30 staff share two units; each unit's load row is services - 0.3 * staff <= 0.
* Together they allow 0.3 * 30 = 9 services, exactly the 9 there are, so every feasible point
* meets both load rows with equality: staff in multiples of 10, services = 0.3 * staff.
* 0.3 has no exact binary form, so the edge is only met within rounding (about 1e-16).
* Minimise staff in unit A with at least one service in each unit: optimum n_A = 10
* (s_A = 3, s_B = 6, n_B = 20).
NAME          knife-edge-feasible
ROWS
 N  obj
 E  services
 E  staff
 L  load_A
 L  load_B
COLUMNS
    MARKER    'MARKER'  'INTORG'
    s_A       services  1         load_A    1
    s_B       services  1         load_B    1
    n_A       obj       1         staff     1
    n_A       load_A    -0.3
    n_B       staff     1         load_B    -0.3
    MARKER    'MARKER'  'INTEND'
RHS
    RHS       services  9         staff     30
BOUNDS
 LI BND       s_A       1
 UI BND       s_A       9
 LI BND       s_B       1
 UI BND       s_B       9
 LI BND       n_A       0
 UI BND       n_A       30
 LI BND       n_B       0
 UI BND       n_B       30
ENDATA
