* Knife-edge infeasible MIP (planner doctor; see README.md).
* knife-edge-feasible.mps with unit A's staff kept between 11 and 19: every feasible point of
* that model has staff in multiples of 10, so none is left. The LP relaxation is feasible
* (n_A = 15, s_A = 4.5); integrality alone makes it infeasible, with a wide margin: the nearest
* integer points miss a load row by 0.3 services.
NAME          knife-edge-infeasible
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
 LI BND       n_A       11
 UI BND       n_A       19
 LI BND       n_B       0
 UI BND       n_B       30
ENDATA
