pragma circom 2.1.0;

// "The worker sorted the employer's list": a task kind for Agora written in circom.
//
// Public inputs, in Agora's fixed order (circom numbers the public signals of `main` in the
// order they are declared below, so the declaration order is the public-input order):
//   [0] chain              field element identifying the chain
//   [1] task               task id
//   [2] worker             worker id hashed to a field element
//   [3] input_commitment   Poseidon(8) of the employer's list x, posted with the task
//   [4] output_commitment  Poseidon(8) of the worker's list y, claimed on completion
//   [5] bound              the kind's one parameter: every value is below it, bound <= 2^32
// The circuit has no output signals, so snarkjs's public.json is exactly these six values.
//
// Private inputs: x[8] (the employer's list) and y[8] (the worker's result).
//
// chain, task and worker appear in no constraint on purpose. They bind a proof to one task,
// one worker and one chain through the Groth16 verification equation alone: snarkjs's setup
// adds one constraint per public input (the signal times zero, on the A side), so each public
// input has its own, independent IC point in the verification key and changing any one of
// them makes the proof fail to verify. See README.md for the experiment that checks this.

include "poseidon.circom";
include "comparators.circom";
include "bitify.circom";

template Sort8() {
    var N = 8;

    signal input chain;
    signal input task;
    signal input worker;
    signal input input_commitment;
    signal input output_commitment;
    signal input bound;

    signal input x[N];
    signal input y[N];

    // The lists are the ones committed to.
    signal hx <== Poseidon(N)(x);
    signal hy <== Poseidon(N)(y);
    input_commitment === hx;
    output_commitment === hy;

    // bound < 2^33, then bound <= 2^32.
    _ = Num2Bits(33)(bound);
    signal boundOk <== LessEqThan(33)([bound, 1 << 32]);
    boundOk === 1;

    // Every value is below bound. Each value is first range-checked to 32 bits so that the
    // comparator (sound only for inputs below 2^33) compares integers, not field elements.
    signal xOk[N];
    signal yOk[N];
    for (var i = 0; i < N; i++) {
        _ = Num2Bits(32)(x[i]);
        _ = Num2Bits(32)(y[i]);
        xOk[i] <== LessThan(33)([x[i], bound]);
        yOk[i] <== LessThan(33)([y[i], bound]);
        xOk[i] === 1;
        yOk[i] === 1;
    }

    // y is non-decreasing.
    signal ordered[N - 1];
    for (var i = 0; i + 1 < N; i++) {
        ordered[i] <== LessEqThan(33)([y[i], y[i + 1]]);
        ordered[i] === 1;
    }

    // y is a permutation of x: prod(r - x[i]) == prod(r - y[i]) at a challenge r derived from
    // both commitments.
    //
    // Why this is sound: the polynomials P_x(X) = prod(X - x[i]) and P_y(X) = prod(X - y[i])
    // are equal exactly when x and y hold the same multiset of values (unique factorisation
    // over the field). If they differ, P_x - P_y is a nonzero polynomial of degree < 8 and
    // vanishes at fewer than 8 of the ~2^254 field elements (Schwartz-Zippel). The prover
    // cannot choose r: the commitments fix x and y (Poseidon is collision resistant, and both
    // commitments are public inputs checked above), and r = Poseidon(input_commitment,
    // output_commitment) is derived from them afterwards (Fiat-Shamir). To pass with y not a
    // permutation of x, a prover would have to find lists whose hash lands on one of the < 8
    // roots of P_x - P_y, about 2^251 hash evaluations per success on average.
    signal r <== Poseidon(2)([input_commitment, output_commitment]);

    signal px[N];
    signal py[N];
    px[0] <== r - x[0];
    py[0] <== r - y[0];
    for (var i = 1; i < N; i++) {
        px[i] <== px[i - 1] * (r - x[i]);
        py[i] <== py[i - 1] * (r - y[i]);
    }
    px[N - 1] === py[N - 1];
}

component main {public [chain, task, worker, input_commitment, output_commitment, bound]} = Sort8();
