* P||Cmax: 10 jobs on 3 identical machines, minimise the makespan C (planner doctor; see README.md).
* Processing times 9, 8, 7, 7, 6, 5, 4, 3, 2, 2: total 53, so C >= ceil(53/3) = 18, and
* {9,7,2} {8,6,4} {7,5,3,2} reaches 18: the optimum is 18. x_j_k = 1 when job j runs on machine k.
NAME          pcmax-10x3
ROWS
 N  makespan
 E  job_0
 E  job_1
 E  job_2
 E  job_3
 E  job_4
 E  job_5
 E  job_6
 E  job_7
 E  job_8
 E  job_9
 L  machine_0
 L  machine_1
 L  machine_2
COLUMNS
    C         makespan  1
    C         machine_0  -1
    C         machine_1  -1
    C         machine_2  -1
    MARKER    'MARKER'  'INTORG'
    x_0_0     job_0     1         machine_0  9
    x_0_1     job_0     1         machine_1  9
    x_0_2     job_0     1         machine_2  9
    x_1_0     job_1     1         machine_0  8
    x_1_1     job_1     1         machine_1  8
    x_1_2     job_1     1         machine_2  8
    x_2_0     job_2     1         machine_0  7
    x_2_1     job_2     1         machine_1  7
    x_2_2     job_2     1         machine_2  7
    x_3_0     job_3     1         machine_0  7
    x_3_1     job_3     1         machine_1  7
    x_3_2     job_3     1         machine_2  7
    x_4_0     job_4     1         machine_0  6
    x_4_1     job_4     1         machine_1  6
    x_4_2     job_4     1         machine_2  6
    x_5_0     job_5     1         machine_0  5
    x_5_1     job_5     1         machine_1  5
    x_5_2     job_5     1         machine_2  5
    x_6_0     job_6     1         machine_0  4
    x_6_1     job_6     1         machine_1  4
    x_6_2     job_6     1         machine_2  4
    x_7_0     job_7     1         machine_0  3
    x_7_1     job_7     1         machine_1  3
    x_7_2     job_7     1         machine_2  3
    x_8_0     job_8     1         machine_0  2
    x_8_1     job_8     1         machine_1  2
    x_8_2     job_8     1         machine_2  2
    x_9_0     job_9     1         machine_0  2
    x_9_1     job_9     1         machine_1  2
    x_9_2     job_9     1         machine_2  2
    MARKER    'MARKER'  'INTEND'
RHS
    RHS       job_0     1
    RHS       job_1     1
    RHS       job_2     1
    RHS       job_3     1
    RHS       job_4     1
    RHS       job_5     1
    RHS       job_6     1
    RHS       job_7     1
    RHS       job_8     1
    RHS       job_9     1
BOUNDS
 BV BND       x_0_0
 BV BND       x_0_1
 BV BND       x_0_2
 BV BND       x_1_0
 BV BND       x_1_1
 BV BND       x_1_2
 BV BND       x_2_0
 BV BND       x_2_1
 BV BND       x_2_2
 BV BND       x_3_0
 BV BND       x_3_1
 BV BND       x_3_2
 BV BND       x_4_0
 BV BND       x_4_1
 BV BND       x_4_2
 BV BND       x_5_0
 BV BND       x_5_1
 BV BND       x_5_2
 BV BND       x_6_0
 BV BND       x_6_1
 BV BND       x_6_2
 BV BND       x_7_0
 BV BND       x_7_1
 BV BND       x_7_2
 BV BND       x_8_0
 BV BND       x_8_1
 BV BND       x_8_2
 BV BND       x_9_0
 BV BND       x_9_1
 BV BND       x_9_2
ENDATA
